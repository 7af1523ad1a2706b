import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findModel } from '../../catalog/index.ts';
import { cartesiaFactories } from './factories.ts';
import { DEFAULT_CARTESIA_VOICE } from './options.ts';
import { CartesiaTTS } from './tts.ts';

const sonic3 = findModel('cartesia', 'TTS', 'sonic-3')!;

describe('cartesiaFactories', () => {
  it('builds a streaming CartesiaTTS for the catalog model', async () => {
    const built = cartesiaFactories.TTS!({
      model: sonic3,
      params: {},
      expectedPhrases: [],
      credentials: { apiKey: 'sk_car_x' },
    });
    assert.ok(built instanceof CartesiaTTS);
    assert.equal(built.model, 'sonic-3');
    assert.equal(built.voice, DEFAULT_CARTESIA_VOICE);
    assert.equal(built.provider, 'cartesia');
    assert.equal(built.sampleRate, 24_000);
    assert.equal(built.numChannels, 1);
    assert.deepEqual(built.capabilities, { streaming: true, alignedTranscript: true });
    await built.close();
  });

  it('takes the voice from the params and ignores params of the wrong type', async () => {
    const built = cartesiaFactories.TTS!({
      model: sonic3,
      params: { voice: 'custom-voice-id', speed: 'fast' },
      expectedPhrases: [],
      credentials: { apiKey: 'sk_car_x' },
    }) as CartesiaTTS;
    assert.equal(built.voice, 'custom-voice-id');
    await built.close();
  });

  it('refuses to build without credentials, and with an out-of-range speed', () => {
    assert.throws(
      () => cartesiaFactories.TTS!({ model: sonic3, params: {}, expectedPhrases: [] }),
      /no credentials/,
    );
    assert.throws(() =>
      cartesiaFactories.TTS!({
        model: sonic3,
        params: { speed: 4 },
        expectedPhrases: [],
        credentials: { apiKey: 'sk_car_x' },
      }),
    );
  });
});
