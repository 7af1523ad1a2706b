import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinVoices, type CatalogVoice } from '../../catalog/index.ts';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../context.ts';
import type { LiveVoiceResult, LiveVoices } from '../providers/live-voices.ts';
import type { ProviderServices } from '../providers/services.ts';
import { listVoices } from './list-voices.ts';

const account = (id: string): CatalogVoice => ({
  id,
  name: `Account ${id}`,
  provider: 'elevenlabs',
  language: 'en',
  gender: 'female',
});

/** Provider services whose live voices are whatever `live` holds at the time of the call. */
function services(live: { current: LiveVoiceResult[] }): ProviderServices {
  const liveVoices = { forOrg: async () => live.current } as unknown as LiveVoices;
  return { account: () => undefined, liveVoices };
}

const ctx = (orgId: string): Ctx => ({ db: {} as Db, orgId, scopes: ['voice:read'] });

test('the same query on the same voices is answered by the same frozen listing', async () => {
  const providers = services({ current: [] });
  const a = await listVoices({ ctx: ctx('o1'), providers, input: { language: 'en' } });
  const b = await listVoices({ ctx: ctx('o2'), providers, input: { language: 'en' } });
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.data));
  assert.ok(a.data.length > 0 && a.data.every((v) => v.language.startsWith('en')));
  const female = await listVoices({ ctx: ctx('o1'), providers, input: { language: 'en', gender: 'female' } });
  assert.notEqual(female, a);
  assert.ok(female.data.every((v) => v.gender === 'female'));
  assert.equal(
    (await listVoices({ ctx: ctx('o1'), providers, input: {} })).data.length,
    builtinVoices.length,
  );
});

test("an account's new voices give a new listing; unchanged ones reuse the merge", async () => {
  const first = [account('v1')];
  const live = { current: [{ slug: 'elevenlabs', voices: first }] as LiveVoiceResult[] };
  const providers = services(live);
  const a = await listVoices({ ctx: ctx('org-live'), providers, input: { provider: 'elevenlabs' } });
  assert.equal(a.data[0]!.id, 'v1');
  // A new result object around the same (cached) voices: same listing.
  live.current = [{ slug: 'elevenlabs', voices: first }];
  assert.equal(await listVoices({ ctx: ctx('org-live'), providers, input: { provider: 'elevenlabs' } }), a);
  // The account's voices changed (a refresh or new credentials): the listing follows.
  live.current = [{ slug: 'elevenlabs', voices: [account('v2')] }];
  const b = await listVoices({ ctx: ctx('org-live'), providers, input: { provider: 'elevenlabs' } });
  assert.notEqual(b, a);
  assert.deepEqual(
    b.data.filter((v) => v.name.startsWith('Account')).map((v) => v.id),
    ['v2'],
  );
  // Another organization without live voices still sees only the built-in ones.
  const other = await listVoices({ ctx: ctx('org-plain'), providers: services({ current: [] }), input: {} });
  assert.ok(other.data.every((v) => !v.name.startsWith('Account')));
});
