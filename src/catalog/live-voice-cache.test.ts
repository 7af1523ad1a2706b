import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveVoiceCache } from './live-voice-cache.ts';
import type { CatalogVoice } from './types.ts';

const voice = (id: string): CatalogVoice => ({
  id,
  name: id,
  provider: 'elevenlabs',
  language: 'en',
  gender: 'neutral',
});

function fetcher(results: (CatalogVoice[] | Error | 'hang')[]) {
  const calls: AbortSignal[] = [];
  const fn = (signal: AbortSignal) => {
    calls.push(signal);
    const r = results.shift() ?? new Error('no more results');
    if (r === 'hang') return new Promise<CatalogVoice[]>(() => undefined);
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  };
  return { fn, calls };
}

test('a cold lookup fetches; a fresh entry is served without calling the provider', async () => {
  let now = 0;
  const cache = new LiveVoiceCache({ ttlMs: 1000, now: () => now });
  const f = fetcher([[voice('a')]]);
  assert.deepEqual(await cache.get('org/el', f.fn), { voices: [voice('a')], source: 'fetched' });
  now = 999;
  assert.deepEqual(await cache.get('org/el', f.fn), { voices: [voice('a')], source: 'cache' });
  assert.equal(f.calls.length, 1);
});

test('a stale entry is served at once while one background refresh replaces it', async () => {
  let now = 0;
  const cache = new LiveVoiceCache({ ttlMs: 1000, now: () => now });
  const f = fetcher([[voice('a')], [voice('b')]]);
  await cache.get('k', f.fn);
  now = 2000;
  const [first, second] = await Promise.all([cache.get('k', f.fn), cache.get('k', f.fn)]);
  assert.deepEqual(first.voices, [voice('a')]);
  assert.deepEqual(second.voices, [voice('a')]);
  assert.equal(f.calls.length, 2, 'one refresh for two requests');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual((await cache.get('k', f.fn)).voices, [voice('b')]);
});

test('a failed refresh keeps the cached voices and backs off', async () => {
  let now = 0;
  const cache = new LiveVoiceCache({ ttlMs: 1000, retryAfterMs: 5000, now: () => now });
  const f = fetcher([[voice('a')], new Error('HTTP 500')]);
  await cache.get('k', f.fn);
  now = 2000;
  await cache.get('k', f.fn);
  await new Promise((r) => setImmediate(r));
  const after = await cache.get('k', f.fn);
  assert.deepEqual(after.voices, [voice('a')]);
  assert.equal(after.error, 'HTTP 500');
  assert.equal(f.calls.length, 2, 'no new fetch while backing off');
});

test('a provider error with nothing cached answers none, then backs off', async () => {
  let now = 0;
  const cache = new LiveVoiceCache({ retryAfterMs: 5000, now: () => now });
  const f = fetcher([new Error('HTTP 401'), [voice('a')]]);
  assert.deepEqual(await cache.get('k', f.fn), { source: 'none', error: 'HTTP 401' });
  now = 4000;
  assert.equal((await cache.get('k', f.fn)).source, 'none');
  assert.equal(f.calls.length, 1);
  now = 6000;
  assert.deepEqual((await cache.get('k', f.fn)).voices, [voice('a')]);
});

test('a cold lookup waits at most coldWaitMs; the slow fetch still lands in the cache', async () => {
  const cache = new LiveVoiceCache({ coldWaitMs: 50 });
  let release!: (v: CatalogVoice[]) => void;
  const slow = () => new Promise<CatalogVoice[]>((r) => (release = r));
  const started = Date.now();
  const first = await cache.get('k', slow);
  assert.equal(first.source, 'none');
  assert.ok(Date.now() - started < 1000);
  release([voice('late')]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual((await cache.get('k', slow)).voices, [voice('late')]);
});

test('invalidate aborts a fetch under way and forgets the voices', async () => {
  const cache = new LiveVoiceCache({ coldWaitMs: 10 });
  const f = fetcher(['hang', [voice('new')]]);
  await cache.get('k', f.fn);
  cache.invalidate('k');
  assert.equal(f.calls[0]!.aborted, true);
  assert.deepEqual((await cache.get('k', f.fn)).voices, [voice('new')]);
});
