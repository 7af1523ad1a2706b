import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initializeLogger } from '@livekit/agents';
import { findModel, type CatalogModel } from '../../catalog/index.ts';
import { elevenlabsFactories } from './factories.ts';
import { elevenlabsOrigin } from './base-url.ts';
import { elevenlabsTtsOptions, languageFor, voiceSettingsOf } from './options.ts';
import { ElevenLabsTTS } from './tts.ts';

initializeLogger({ pretty: false, level: 'fatal' });

const model = (name: string): CatalogModel => findModel('elevenlabs', 'TTS', name)!;
const credentials = { apiKey: 'xi-key' };

test('defaults: Rachel, the catalog model, the public API, pcm_22050, no settings', () => {
  assert.deepEqual(
    elevenlabsTtsOptions({
      model: model('eleven_multilingual_v2'),
      params: {},
      expectedPhrases: [],
      credentials,
    }),
    {
      apiKey: 'xi-key',
      baseURL: 'https://api.elevenlabs.io/v1',
      voiceId: '21m00Tcm4TlvDq8ikWAM',
      model: 'eleven_multilingual_v2',
      encoding: 'pcm_22050',
    },
  );
});

test('the stored origin gets /v1 appended; a stored /v1 is not doubled', () => {
  assert.equal(elevenlabsOrigin(undefined), 'https://api.elevenlabs.io');
  assert.equal(
    elevenlabsOrigin({ apiKey: 'k', baseUrl: 'https://api.eu.residency.elevenlabs.io/' }),
    'https://api.eu.residency.elevenlabs.io',
  );
  assert.equal(elevenlabsOrigin({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1/' }), 'http://127.0.0.1:9');
  const opts = elevenlabsTtsOptions({
    model: model('eleven_flash_v2_5'),
    params: {},
    expectedPhrases: [],
    credentials: { apiKey: 'k', baseUrl: 'https://api.in.residency.elevenlabs.io' },
  });
  assert.equal(opts.baseURL, 'https://api.in.residency.elevenlabs.io/v1');
});

test('the language is passed only to models that take language_code, and only if they list it', () => {
  assert.equal(languageFor({ model: model('eleven_flash_v2_5'), language: 'fr-FR' }), 'fr-FR');
  assert.equal(languageFor({ model: model('eleven_turbo_v2_5'), language: 'vi' }), 'vi');
  assert.equal(languageFor({ model: model('eleven_multilingual_v2'), language: 'fr-FR' }), undefined);
  assert.equal(languageFor({ model: model('eleven_flash_v2_5'), language: 'xh-ZA' }), undefined);
  assert.equal(languageFor({ model: model('eleven_flash_v2_5') }), undefined);
});

test('voice settings: only when asked for, ElevenLabs’ defaults filled in, ranges clamped', () => {
  assert.equal(voiceSettingsOf({}), undefined);
  assert.equal(voiceSettingsOf({ speed: 'fast' }), undefined);
  assert.deepEqual(voiceSettingsOf({ speed: 1.1 }), { stability: 0.5, similarity_boost: 0.75, speed: 1.1 });
  assert.deepEqual(voiceSettingsOf({ stability: 0.3, similarityBoost: 0.9 }), {
    stability: 0.3,
    similarity_boost: 0.9,
  });
  assert.deepEqual(voiceSettingsOf({ speed: 2, stability: 1.5, similarityBoost: -1 }), {
    stability: 1,
    similarity_boost: 0,
    speed: 1.2,
  });
});

test('voice, sample rate and settings from the agent’s params', () => {
  const opts = elevenlabsTtsOptions({
    model: model('eleven_turbo_v2_5'),
    params: { voice: 'bkryOwnrMrt4Cl0n3d01', sampleRate: 24000, speed: 0.9 },
    language: 'es-ES',
    expectedPhrases: [],
    credentials,
  });
  assert.equal(opts.voiceId, 'bkryOwnrMrt4Cl0n3d01');
  assert.equal(opts.encoding, 'pcm_24000');
  assert.equal(opts.language, 'es-ES');
  assert.deepEqual(opts.voiceSettings, { stability: 0.5, similarity_boost: 0.75, speed: 0.9 });
  const odd = elevenlabsTtsOptions({
    model: model('eleven_turbo_v2_5'),
    params: { sampleRate: 48000, voice: '' },
    expectedPhrases: [],
    credentials,
  });
  assert.equal(odd.encoding, 'pcm_22050', 'a rate Parley does not offer falls back to the default');
  assert.equal(odd.voiceId, '21m00Tcm4TlvDq8ikWAM');
});

test('the factory builds the guarded plugin TTS offline, and refuses without credentials', async () => {
  const tts = elevenlabsFactories.TTS!({
    model: model('eleven_flash_v2_5'),
    params: { sampleRate: 16000 },
    expectedPhrases: [],
    credentials,
  });
  assert.ok(tts instanceof ElevenLabsTTS);
  assert.equal(tts.sampleRate, 16000);
  assert.equal(tts.numChannels, 1);
  assert.equal(tts.capabilities.streaming, true);
  assert.equal(tts.model, 'eleven_flash_v2_5');
  assert.equal(tts.label, 'elevenlabs.TTS');
  await tts.close();
  assert.throws(
    () => elevenlabsFactories.TTS!({ model: model('eleven_flash_v2_5'), params: {}, expectedPhrases: [] }),
    /no credentials/,
  );
});
