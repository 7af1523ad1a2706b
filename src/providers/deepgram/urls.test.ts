import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deepgramOrigins } from './urls.ts';

describe('deepgramOrigins', () => {
  test('the cloud API by default', () => {
    assert.deepEqual(deepgramOrigins(undefined), {
      http: 'https://api.deepgram.com',
      ws: 'wss://api.deepgram.com',
    });
    assert.deepEqual(deepgramOrigins('  '), deepgramOrigins(undefined));
  });

  test('a self-hosted origin keeps its scheme, host and port', () => {
    assert.deepEqual(deepgramOrigins('http://10.0.0.5:8080'), {
      http: 'http://10.0.0.5:8080',
      ws: 'ws://10.0.0.5:8080',
    });
    assert.deepEqual(deepgramOrigins('wss://dg.example.com'), {
      http: 'https://dg.example.com',
      ws: 'wss://dg.example.com',
    });
  });

  test('trailing slashes and a pasted /v1 are dropped; a proxy prefix is kept', () => {
    assert.equal(deepgramOrigins('https://api.deepgram.com/v1/').http, 'https://api.deepgram.com');
    assert.equal(deepgramOrigins('https://gw.example.com/deepgram/').ws, 'wss://gw.example.com/deepgram');
  });

  test('anything else is refused with a hint', () => {
    assert.throws(() => deepgramOrigins('api.deepgram.com'), /not a URL/);
    assert.throws(() => deepgramOrigins('ftp://api.deepgram.com'), /must start with https/);
  });
});
