import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initializeLogger } from '@livekit/agents';
import { findModel } from '../../catalog/index.ts';
import type { FactoryInput } from '../types.ts';
import {
  deepgramFactories,
  DeepgramSTT,
  DeepgramTTS,
  listenUrl,
  recognitionHints,
  speakUrl,
} from './index.ts';

const credentials = { apiKey: 'dg-key', baseUrl: 'http://10.0.0.5:8080' };
const input = (type: 'STT' | 'TTS', name: string, over: Partial<FactoryInput> = {}): FactoryInput => ({
  model: findModel('deepgram', type, name)!,
  params: {},
  expectedPhrases: [],
  credentials,
  ...over,
});

describe('recognitionHints', () => {
  test('nova-3 takes the phrases as keyterms, deduplicated', () => {
    const hints = recognitionHints('nova-3', ['i want a cake', ' i  want a cake ', 'when do you open']);
    assert.deepEqual(hints, { keyterms: ['i want a cake', 'when do you open'], keywords: [] });
  });

  test('nova-2 boosts their distinctive words', () => {
    const hints = recognitionHints('nova-2', ['I would like a Birthday cake', 'what time do you open']);
    assert.deepEqual(hints.keyterms, []);
    assert.deepEqual(
      hints.keywords.map(([w]) => w),
      ['like', 'birthday', 'cake', 'time', 'open'],
    );
    assert.ok(hints.keywords.every(([, boost]) => boost === 1));
  });
});

describe('deepgramFactories', () => {
  // The plugin's STT, which serves recognize(), takes a logger when it is built.
  before(() => initializeLogger({ pretty: false, level: 'fatal' }));

  test('STT: the catalog model, the agent language, keyterms, a ws origin from the http base URL', () => {
    const built = deepgramFactories.STT!(
      input('STT', 'nova-3', { language: 'es', expectedPhrases: ['quiero un pastel'] }),
    );
    assert.ok(built instanceof DeepgramSTT);
    assert.equal(built.model, 'nova-3');
    assert.equal(built.provider, 'Deepgram');
    assert.equal(built.capabilities.streaming, true);
    assert.equal(built.capabilities.interimResults, true);
    const url = listenUrl({ ...built.settings, apiKey: 'x' });
    assert.equal(`${url.origin}${url.pathname}`, 'ws://10.0.0.5:8080/v1/listen');
    assert.deepEqual(url.searchParams.getAll('keyterm'), ['quiero un pastel']);
    assert.equal(url.searchParams.get('language'), 'es');
    assert.equal(url.searchParams.get('interim_results'), 'true');
    assert.equal(url.searchParams.get('endpointing'), '25');
  });

  test('STT parameters override the agent language and the endpointing', () => {
    const built = deepgramFactories.STT!(
      input('STT', 'nova-2', {
        language: 'en-US',
        params: { language: 'de', endpointingMs: false, utteranceEndMs: 1000, smartFormat: false },
      }),
    ) as DeepgramSTT;
    assert.equal(built.settings.language, 'de');
    assert.equal(built.settings.endpointingMs, false);
    assert.equal(built.settings.utteranceEndMs, 1000);
    assert.equal(built.settings.smartFormat, false);
    assert.equal(built.settings.punctuate, true, 'unset parameters keep the plugin default');
  });

  test('TTS: the Aura voice (default aura-2-thalia-en) at 24 kHz', () => {
    const built = deepgramFactories.TTS!(input('TTS', 'aura-2'));
    assert.ok(built instanceof DeepgramTTS);
    assert.equal(built.model, 'aura-2-thalia-en');
    assert.equal(built.sampleRate, 24_000);
    const voiced = deepgramFactories.TTS!(
      input('TTS', 'aura-2', { params: { voice: 'aura-2-draco-en', sampleRate: 16_000, speed: 1.2 } }),
    );
    assert.equal(voiced.model, 'aura-2-draco-en');
    assert.equal(voiced.sampleRate, 16_000);
    assert.throws(() => deepgramFactories.TTS!(input('TTS', 'aura-2', { params: { speed: 3 } })), /speed/);
    assert.throws(
      () => deepgramFactories.TTS!(input('TTS', 'aura-2', { params: { sampleRate: 44_100 } })),
      /Hz/,
    );
  });

  test('speak URLs: REST without a WAV container, the websocket on the ws origin', () => {
    const settings = {
      apiKey: 'x',
      origins: { http: 'https://api.deepgram.com', ws: 'wss://api.deepgram.com' },
      voice: 'aura-2-thalia-en',
      sampleRate: 24_000,
      mipOptOut: false,
    };
    assert.equal(
      speakUrl(settings, 'rest').href,
      'https://api.deepgram.com/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000&container=none&mip_opt_out=false',
    );
    assert.equal(
      speakUrl({ ...settings, speed: 0.9 }, 'ws').href,
      'wss://api.deepgram.com/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=24000&mip_opt_out=false&speed=0.9',
    );
  });

  test('no credentials: a clear error', () => {
    assert.throws(
      () => deepgramFactories.STT!(input('STT', 'nova-3', { credentials: undefined })),
      /no credentials/,
    );
  });
});
