import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './index.ts';

test('defaults serve the embedded mode', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.MEDIA_PORT, 7880);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.LIVEKIT_URL, undefined);
  assert.notEqual(c.publicHost, '');
});

test('LIVEKIT_URL without a key pair is refused with a fix', () => {
  assert.throws(
    () => loadConfig({ LIVEKIT_URL: 'wss://x.livekit.cloud' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /LIVEKIT_API_KEY/);
      return true;
    },
  );
});

test('invalid numbers name the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
});

test('a malformed secret key is refused', () => {
  assert.throws(() => loadConfig({ PARLEY_SECRET_KEY: 'short' }), /openssl rand -hex 32/);
});
