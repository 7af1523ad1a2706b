import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpUrl, websocketUrl } from './endpoints.ts';
import {
  CARTESIA_API_VERSION,
  DEFAULT_CARTESIA_VOICE,
  cartesiaLanguage,
  generationFields,
  resolveCartesiaOptions,
} from './options.ts';

describe('Cartesia options', () => {
  it('fills in the defaults', () => {
    const o = resolveCartesiaOptions({ apiKey: 'k' });
    assert.equal(o.baseUrl, 'https://api.cartesia.ai');
    assert.equal(o.model, 'sonic-3');
    assert.equal(o.voice, DEFAULT_CARTESIA_VOICE);
    assert.equal(DEFAULT_CARTESIA_VOICE, 'a0e99841-438c-4a64-b679-ae501e7d6091', "the catalog's first voice");
    assert.equal(o.sampleRate, 24_000);
    assert.equal(o.apiVersion, CARTESIA_API_VERSION);
    assert.equal(o.wordTimestamps, true);
    assert.equal(o.frameMs, 20);
  });

  it('drops a trailing slash from the base URL and rejects what Cartesia cannot serve', () => {
    assert.equal(
      resolveCartesiaOptions({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/' }).baseUrl,
      'http://127.0.0.1:9',
    );
    assert.throws(() => resolveCartesiaOptions({ apiKey: '' }), /API key/);
    assert.throws(() => resolveCartesiaOptions({ apiKey: 'k', baseUrl: 'ftp://x' }), /http/);
    assert.throws(() => resolveCartesiaOptions({ apiKey: 'k', sampleRate: 32_000 }));
    assert.throws(() => resolveCartesiaOptions({ apiKey: 'k', speed: 3 }));
    assert.throws(() => resolveCartesiaOptions({ apiKey: 'k', apiVersion: 'latest' }), /YYYY-MM-DD/);
    assert.throws(() => resolveCartesiaOptions({ apiKey: 'k', maxBufferDelayMs: 9000 }));
  });

  it("turns BCP-47 tags into Cartesia's language codes", () => {
    assert.equal(cartesiaLanguage('en-US'), 'en');
    assert.equal(cartesiaLanguage('PT_br'), 'pt');
    assert.equal(cartesiaLanguage('nb-NO'), 'no');
    assert.equal(cartesiaLanguage('fil'), 'tl');
    assert.equal(cartesiaLanguage('iw'), 'he');
    assert.equal(cartesiaLanguage(undefined), undefined);
    assert.equal(cartesiaLanguage(' '), undefined);
  });

  it('builds the generation fields Cartesia expects', () => {
    const o = resolveCartesiaOptions({ apiKey: 'k', voice: 'v1', language: 'de-DE', sampleRate: 16_000 });
    assert.deepEqual(generationFields(o), {
      model_id: 'sonic-3',
      voice: { mode: 'id', id: 'v1' },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 16_000 },
      language: 'de',
    });
  });

  it('sends speed as generation_config on Sonic-3 and as the word speed before it', () => {
    const fields = (model: string, speed?: number) =>
      generationFields(resolveCartesiaOptions({ apiKey: 'k', model, speed }));
    assert.deepEqual(fields('sonic-3', 1.2).generation_config, { speed: 1.2 });
    assert.deepEqual(fields('sonic-3-2025-10-27', 0.7).generation_config, { speed: 0.7 });
    assert.equal(fields('sonic-3', 1).generation_config, undefined, 'the normal rate is not sent');
    assert.equal(fields('sonic-3').generation_config, undefined);
    assert.equal(fields('sonic-2', 0.7).speed, 'slow');
    assert.equal(fields('sonic-turbo', 1.3).speed, 'fast');
    assert.equal(fields('sonic-2-2025-03-07', 1.3).speed, 'fast');
    assert.equal(fields('sonic', 0.7).speed, 'slow');
    assert.deepEqual(fields('sonic-3.5', 1.2).generation_config, { speed: 1.2 }, 'later models too');
    assert.equal(fields('sonic-2', 1.05).speed, undefined, 'close to normal stays normal');
    assert.equal(fields('sonic-2', 1.3).generation_config, undefined);
  });
});

describe('Cartesia endpoints', () => {
  it('derives the websocket URL from the API origin', () => {
    assert.equal(websocketUrl('https://api.cartesia.ai'), 'wss://api.cartesia.ai/tts/websocket');
    assert.equal(websocketUrl('http://127.0.0.1:4000'), 'ws://127.0.0.1:4000/tts/websocket');
    assert.equal(
      websocketUrl('https://proxy.example/cartesia/'),
      'wss://proxy.example/cartesia/tts/websocket',
    );
    assert.throws(() => websocketUrl('ftp://x'), /http/);
  });

  it('builds HTTP URLs with a query, leaving out undefined values', () => {
    assert.equal(
      httpUrl('https://api.cartesia.ai', '/voices', { limit: 100, starting_after: undefined }),
      'https://api.cartesia.ai/voices?limit=100',
    );
    assert.equal(
      httpUrl('http://h/p/', '/voices', { starting_after: 'a b' }),
      'http://h/p/voices?starting_after=a+b',
    );
  });
});
