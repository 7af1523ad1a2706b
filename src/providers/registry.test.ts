import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initializeLogger } from '@livekit/agents';
import { builtinModels } from '../catalog/index.ts';
import { build, hasFactory } from './registry.ts';
import { modelId } from '../catalog/index.ts';

test('every catalog model has a factory', () => {
  const missing = builtinModels.filter((m) => !hasFactory(m)).map((m) => `${m.provider}/${m.type}/${m.name}`);
  assert.deepEqual(missing, [], 'models without a factory');
});

test('every cloud model builds with credentials and refuses to build without them', () => {
  initializeLogger({ pretty: false, level: 'fatal' });
  for (const m of builtinModels.filter((x) => x.provider !== 'local' && x.isActive)) {
    const built = build(m.type, m.id, {
      params: {},
      expectedPhrases: [],
      credentials: { apiKey: 'key', baseUrl: 'http://127.0.0.1:9' },
    });
    assert.ok(built, `${m.provider}/${m.name}`);
    if (m.provider === 'openai-compatible') continue; // local servers need no key
    assert.throws(
      () => build(m.type, m.id, { params: {}, expectedPhrases: [] }),
      /no credentials/,
      `${m.provider}/${m.name} without credentials`,
    );
  }
});

test('local models build offline; cloud models refuse to build without credentials', () => {
  const tts = build('TTS', modelId('local', 'TTS', 'flite'), {
    params: { voice: 'kal16' },
    expectedPhrases: [],
  });
  assert.equal(tts.sampleRate, 16000);
  const llm = build('LLM', modelId('local', 'LLM', 'rules'), {
    params: { intents: [{ name: 'hi', examples: ['hello'], reply: 'Hi!' }], fallbackReply: 'Sorry?' },
    expectedPhrases: [],
  });
  assert.match(llm.label(), /rules/);
  assert.throws(
    () => build('TTS', modelId('openai', 'TTS', 'tts-1'), { params: {}, expectedPhrases: [] }),
    /no credentials/,
  );
  assert.throws(
    () => build('STT', modelId('local', 'TTS', 'flite'), { params: {}, expectedPhrases: [] }),
    /is TTS, not STT/,
  );
  const openaiTts = build('TTS', modelId('openai', 'TTS', 'tts-1'), {
    params: { voice: 'nova' },
    expectedPhrases: [],
    credentials: { apiKey: 'sk-test' },
  });
  assert.equal(openaiTts.label, 'openai.TTS');
});
