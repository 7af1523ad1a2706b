import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initializeLogger, llm } from '@livekit/agents';
import { RulesLLM, generateGreeting, matchIntent, rulesConfigSchema } from './index.ts';

const config = rulesConfigSchema.parse({
  intents: [
    {
      name: 'hours',
      examples: ['what time do you open tomorrow', 'when are you open'],
      patterns: ['\\b(open|opening hours)\\b'],
      reply: 'We open at nine in the morning.',
    },
    {
      name: 'booking',
      examples: ['i would like to book a table for two', 'can i reserve a table'],
      patterns: ['table for (?<party>\\w+)(?: at (?<time>\\w+))?'],
      reply: 'Your table for {party} is booked {time}.',
    },
    {
      name: 'human',
      examples: ['please transfer me to a human agent', 'can i speak to a person'],
      reply: 'Transferring you now.',
    },
    {
      name: 'human-duplicate',
      examples: ['please transfer me to a human agent'],
      reply: 'Never chosen: same example, later.',
    },
  ],
  fallbackReply: 'Sorry, I did not catch that.',
});

describe('matchIntent', () => {
  it('matches patterns first, case-insensitively, and fills slots', () => {
    assert.deepEqual(matchIntent(config, 'A TABLE FOR FOUR AT EIGHT please'), {
      intent: 'booking',
      reply: 'Your table for FOUR is booked EIGHT.',
      via: 'pattern',
      score: 1,
      slots: { party: 'FOUR', time: 'EIGHT' },
    });
    const noTime = matchIntent(config, 'table for two');
    assert.equal(noTime.reply, 'Your table for two is booked.');
    assert.equal(matchIntent(config, 'are you open on sunday').intent, 'hours');
  });

  it('falls back to example overlap with a threshold, earlier intent on ties', () => {
    const human = matchIntent(config, 'transfer me to a human');
    assert.equal(human.intent, 'human');
    assert.equal(human.via, 'example');
    assert.ok(human.score >= 0.5 && human.score < 1);
    assert.equal(
      matchIntent(config, 'please transfer me to a human agent').intent,
      'human',
      'tie goes to the earlier intent',
    );
    assert.equal(matchIntent(config, 'could you reserve a seat on the flight to rome').via, 'fallback');
    const fallback = matchIntent(config, 'what is the weather like in paris');
    assert.deepEqual(fallback, {
      intent: null,
      reply: 'Sorry, I did not catch that.',
      via: 'fallback',
      score: 0,
      slots: {},
    });
  });

  it('is deterministic', () => {
    const inputs = ['speak to a person', 'book a table', 'hmm', 'when are you open'];
    const first = inputs.map((t) => matchIntent(config, t));
    for (let i = 0; i < 5; i++)
      assert.deepEqual(
        inputs.map((t) => matchIntent(config, t)),
        first,
      );
  });

  it('rejects invalid configuration', () => {
    const base = { fallbackReply: 'x' };
    assert.throws(
      () =>
        rulesConfigSchema.parse({ ...base, intents: [{ name: 'a', patterns: ['(unclosed'], reply: 'r' }] }),
      /regular expression/,
    );
    assert.throws(
      () => rulesConfigSchema.parse({ ...base, intents: [{ name: 'a', reply: 'r' }] }),
      /example or pattern/,
    );
  });
});

describe('generateGreeting', () => {
  it('uses the configured greeting, else the prompt role, else a default', () => {
    assert.equal(generateGreeting({ greeting: 'Hi, Luigi here.' }, 'You are a bot.'), 'Hi, Luigi here.');
    assert.equal(
      generateGreeting({}, "You are the friendly receptionist of Luigi's Trattoria. Be brief."),
      "Hello, this is the friendly receptionist of Luigi's Trattoria. How can I help you today?",
    );
    assert.equal(
      generateGreeting({}, 'Answer questions about opening hours.'),
      'Hello, how can I help you today?',
    );
  });
});

describe('RulesLLM', () => {
  before(() => initializeLogger({ pretty: false, level: 'warn' }));

  async function collect(model: RulesLLM, chatCtx: llm.ChatContext) {
    const chunks: llm.ChatChunk[] = [];
    for await (const chunk of model.chat({ chatCtx })) chunks.push(chunk);
    return chunks;
  }

  it('streams the matched reply in several deltas through chat()', async () => {
    const model = new RulesLLM(config);
    assert.equal(model.label(), 'local/rules');
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: 'You are the bakery assistant.' });
    chatCtx.addMessage({ role: 'user', content: 'what time do you open tomorrow' });
    const chunks = await collect(model, chatCtx);
    const deltas = chunks.filter((c) => c.delta?.content);
    assert.ok(deltas.length >= 2, `${deltas.length} deltas`);
    assert.ok(deltas.every((c) => c.delta?.role === 'assistant' && c.id === deltas[0]!.id));
    assert.equal(deltas.map((c) => c.delta?.content).join(''), 'We open at nine in the morning.');
    assert.ok(chunks.at(-1)?.usage);
    assert.equal(model.lastMatch?.intent, 'hours');
  });

  it('answers the latest user message and greets when there is none', async () => {
    const model = new RulesLLM({ ...config, greeting: undefined });
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: 'You are the Parley demo agent.' });
    const greeting = (await collect(model, chatCtx)).map((c) => c.delta?.content ?? '').join('');
    assert.equal(greeting, 'Hello, this is the Parley demo agent. How can I help you today?');
    chatCtx.addMessage({ role: 'user', content: 'book a table for two' });
    chatCtx.addMessage({ role: 'assistant', content: 'Your table for two is booked.' });
    chatCtx.addMessage({ role: 'user', content: 'can i speak to a person' });
    const reply = (await collect(model, chatCtx)).map((c) => c.delta?.content ?? '').join('');
    assert.equal(reply, 'Transferring you now.');
  });

  it('rejects an invalid configuration at construction', () => {
    assert.throws(() => new RulesLLM({ intents: [], fallbackReply: '' }));
  });
});
