/**
 * The voices an organization's own provider accounts list (ElevenLabs' voice library, Cartesia's
 * voices), merged into `GET /v1/voice/voices`. Two caches keep the endpoint fast: which live
 * providers an organization has configured (and their decrypted credentials) for a few seconds,
 * and each account's voices ({@link LiveVoiceCache}). Storing or removing credentials invalidates
 * both in this process; other API processes see the change within `orgTtlMs`.
 */
import { and, eq } from 'drizzle-orm';
import type { CatalogVoice } from '../../catalog/index.ts';
import { LiveVoiceCache } from '../../catalog/live-voice-cache.ts';
import type { Db } from '../../db/client.ts';
import { providerCredentials } from '../../db/schema.ts';
import type { ProviderAccount, ProviderCredentials } from '../../providers/types.ts';
import type { SecretCipher } from '../../secrets/cipher.ts';
import { credentialAad } from './credentials.ts';

interface LiveSource {
  slug: string;
  credentials: ProviderCredentials;
  account: ProviderAccount & Required<Pick<ProviderAccount, 'listVoices'>>;
}

/** One provider's contribution to a voice listing. */
export interface LiveVoiceResult {
  slug: string;
  voices?: readonly CatalogVoice[];
  /** Why the account's voices are missing or old; the built-in ones are served instead. */
  error?: string;
}

export class LiveVoices {
  readonly cache: LiveVoiceCache;
  readonly #orgs = new Map<string, { at: number; sources: Promise<LiveSource[]> }>();
  readonly #orgTtlMs: number;
  readonly #now: () => number;

  constructor(
    private readonly deps: {
      cipher: SecretCipher;
      account: (slug: string) => ProviderAccount | undefined;
      cache?: LiveVoiceCache;
      orgTtlMs?: number;
      now?: () => number;
    },
  ) {
    this.cache = deps.cache ?? new LiveVoiceCache();
    this.#orgTtlMs = deps.orgTtlMs ?? 15_000;
    this.#now = deps.now ?? Date.now;
  }

  /** Every live-catalog provider the organization uses, with its voices or why they are missing. */
  async forOrg(db: Db, orgId: string): Promise<LiveVoiceResult[]> {
    const sources = await this.#sources(db, orgId);
    return Promise.all(
      sources.map(async ({ slug, credentials, account }) => {
        const found = await this.cache.get(`${orgId}/${slug}`, (signal) =>
          account.listVoices(credentials, signal),
        );
        return { slug, voices: found.voices, ...(found.error ? { error: found.error } : {}) };
      }),
    );
  }

  /** The organization's credentials for `slug` changed or were removed. */
  invalidate(orgId: string, slug: string): void {
    this.#orgs.delete(orgId);
    this.cache.invalidate(`${orgId}/${slug}`);
  }

  #sources(db: Db, orgId: string): Promise<LiveSource[]> {
    const cached = this.#orgs.get(orgId);
    if (cached && this.#now() - cached.at < this.#orgTtlMs) return cached.sources;
    const sources = this.#load(db, orgId);
    this.#orgs.set(orgId, { at: this.#now(), sources });
    // A failed read is not cached: the next request tries again.
    sources.catch(() => this.#orgs.delete(orgId));
    return sources;
  }

  async #load(db: Db, orgId: string): Promise<LiveSource[]> {
    const rows = await db
      .select()
      .from(providerCredentials)
      .where(and(eq(providerCredentials.orgId, orgId), eq(providerCredentials.isActive, true)));
    const sources: LiveSource[] = [];
    for (const row of rows) {
      const account = this.deps.account(row.slug);
      if (!account?.listVoices) continue;
      sources.push({
        slug: row.slug,
        account: account as LiveSource['account'],
        credentials: {
          apiKey: this.deps.cipher.decrypt(row.encryptedApiKey, credentialAad(orgId, row.slug)),
          ...(row.baseUrl ? { baseUrl: row.baseUrl } : {}),
        },
      });
    }
    return sources;
  }
}

/**
 * The built-in voices with each live provider's account voices merged in: an account's voices
 * come first and win on id; built-in voices of that provider the account does not list (legacy
 * premade voices, still addressable) stay.
 */
export function mergeVoices(builtin: readonly CatalogVoice[], live: LiveVoiceResult[]): CatalogVoice[] {
  const out: CatalogVoice[] = [];
  const liveIds = new Map<string, Set<string>>();
  for (const r of live) if (r.voices) liveIds.set(r.slug, new Set(r.voices.map((v) => v.id)));
  const emitted = new Set<string>();
  for (const v of builtin) {
    const ids = liveIds.get(v.provider);
    if (ids && !emitted.has(v.provider)) {
      emitted.add(v.provider);
      out.push(...live.find((r) => r.slug === v.provider)!.voices!);
    }
    if (!ids?.has(v.id)) out.push(v);
  }
  // Live providers with no built-in voices at all.
  for (const r of live) if (r.voices && !emitted.has(r.slug)) out.push(...r.voices);
  return out;
}
