import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleEntry, bundleSync } from './bundle.ts';

const entry = new URL('../../test/fixtures/bundle/entry.ts', import.meta.url);
const nested = new URL('../../test/fixtures/bundle/nested/beside.ts', import.meta.url);

test('bundleEntry: one plain module in which each source keeps its own import.meta.url', async () => {
  const url = await bundleEntry(entry);
  assert.match(url.pathname, /node_modules\/\.cache\/parley-bundles\/entry-[0-9a-f]{16}\.mjs$/);
  const mod = await import(url.href);
  assert.equal(mod.entryUrl, entry.href);
  assert.deepEqual(mod.nested, { url: nested.href, siblingFound: true });
});

test('bundleSync: the same code, with the bundle as import.meta.url', async () => {
  const url = bundleSync(entry);
  const mod = await import(url.href);
  assert.equal(mod.entryUrl, url.href);
  assert.equal(mod.nested.siblingFound, false);
});

test('the same sources give the same bundle file', async () => {
  assert.equal((await bundleEntry(entry)).href, (await bundleEntry(entry)).href);
});
