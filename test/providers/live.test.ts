/**
 * The same provider code against the real providers, for whoever has keys: each test runs only
 * when its provider's key is in the environment (test-only variables; Parley itself reads
 * credentials from the organization's provider settings) and is reported as skipped otherwise.
 * Nothing here runs in CI, which has no keys and no internet.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initializeLogger, llm as agentsLlm, tokenize, tts as agentsTts } from '@livekit/agents';
import { modelId } from '../../src/catalog/index.ts';
import { accountOf } from '../../src/providers/accounts.ts';
import { build } from '../../src/providers/registry.ts';

initializeLogger({ pretty: false, level: 'warn' });

interface LiveProvider {
  slug: string;
  env: string;
  llm?: string;
  tts?: { model: string; voice?: string };
  voices?: boolean;
}

const LIVE: LiveProvider[] = [
  { slug: 'openai', env: 'OPENAI_API_KEY', llm: 'gpt-4o-mini', tts: { model: 'tts-1', voice: 'alloy' } },
  { slug: 'deepgram', env: 'DEEPGRAM_API_KEY', tts: { model: 'aura-2', voice: 'aura-2-thalia-en' } },
  { slug: 'elevenlabs', env: 'ELEVENLABS_API_KEY', tts: { model: 'eleven_flash_v2_5' }, voices: true },
  { slug: 'cartesia', env: 'CARTESIA_API_KEY', tts: { model: 'sonic-2' }, voices: true },
  { slug: 'google', env: 'GOOGLE_API_KEY', llm: 'gemini-3.5-flash' },
  { slug: 'anthropic', env: 'ANTHROPIC_API_KEY', llm: 'claude-haiku-4-5' },
];

for (const p of LIVE) {
  const apiKey = process.env[p.env];
  const skip = apiKey ? false : `set ${p.env} to run against the real ${p.slug} API`;
  const credentials = { apiKey: apiKey ?? '' };
  describe(`live: ${p.slug}`, { timeout: 60_000 }, () => {
    test('the key is accepted; a wrong one is refused', { skip }, async () => {
      const account = accountOf(p.slug)!;
      await account.verify(credentials);
      await assert.rejects(account.verify({ apiKey: `${apiKey}x` }), { kind: 'rejected' });
    });

    if (p.voices) {
      test("the account's voices are listed", { skip }, async () => {
        const voices = await accountOf(p.slug)!.listVoices!(credentials);
        assert.ok(voices.length > 0);
        assert.ok(voices.every((v) => v.provider === p.slug && v.id && v.name));
      });
    }

    if (p.llm) {
      test(`${p.llm} answers`, { skip }, async () => {
        const model = build('LLM', modelId(p.slug, 'LLM', p.llm!), {
          params: {},
          expectedPhrases: [],
          credentials,
        });
        const ctx = agentsLlm.ChatContext.empty();
        ctx.addMessage({ role: 'user', content: 'Reply with the single word: ready' });
        let text = '';
        for await (const chunk of model.chat({ chatCtx: ctx })) text += chunk.delta?.content ?? '';
        assert.match(text.toLowerCase(), /ready/);
      });
    }

    if (p.tts) {
      test(`${p.tts.model} speaks`, { skip }, async () => {
        const tts = build('TTS', modelId(p.slug, 'TTS', p.tts!.model), {
          params: p.tts!.voice ? { voice: p.tts!.voice } : {},
          expectedPhrases: [],
          credentials,
        });
        const streaming = tts.capabilities.streaming
          ? tts
          : new agentsTts.StreamAdapter(tts, new tokenize.basic.SentenceTokenizer());
        const stream = streaming.stream();
        stream.pushText('We open at nine in the morning.');
        stream.flush();
        stream.endInput();
        let samples = 0;
        for await (const ev of stream) {
          if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) break;
          samples += ev.frame.samplesPerChannel;
        }
        assert.ok(samples > tts.sampleRate, `${samples} samples`);
        await tts.close();
      });
    }
  });
}
