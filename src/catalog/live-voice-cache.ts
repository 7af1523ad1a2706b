/**
 * Per-organization cache of the voices a provider account lists (ElevenLabs' voice library,
 * Cartesia's voices), so `GET /v1/voice/voices` never waits on a provider once it has answered
 * once: fresh entries are served as they are, stale ones are served while one background refresh
 * runs, and a provider error keeps whatever was cached (or, with nothing cached, lets the caller
 * fall back to the built-in catalog). Only a cold entry waits for the provider, at most
 * `coldWaitMs`; the fetch then goes on in the background and lands in the cache.
 *
 * One instance per API process: entries are not shared between processes, which only means each
 * process fetches an organization's voices once per TTL.
 */
import type { CatalogVoice } from './types.ts';

export interface LiveVoiceCacheOptions {
  /** How long fetched voices are served without a refresh; default 10 minutes. */
  ttlMs?: number;
  /** After a failed fetch, how long before the provider is asked again; default 30 s. */
  retryAfterMs?: number;
  /** How long a request with nothing cached waits for the provider; default 1.5 s. */
  coldWaitMs?: number;
  now?: () => number;
}

/** Fetches one account's voices; `signal` aborts it when the cache is cleared. */
export type VoiceFetcher = (signal: AbortSignal) => Promise<CatalogVoice[]>;

interface Entry {
  voices?: readonly CatalogVoice[];
  fetchedAt?: number;
  failedAt?: number;
  lastError?: string;
  inFlight?: Promise<void>;
  abort?: AbortController;
  /** Bumped by `invalidate`, so a fetch that started before it cannot store old voices. */
  generation: number;
}

/** What a lookup found. */
export interface LiveVoices {
  /** The account's voices, or undefined when none could be had (serve the built-in catalog). */
  voices?: readonly CatalogVoice[];
  /** Where they came from: the cache as it was, a fetch this request waited for, or nothing. */
  source: 'cache' | 'fetched' | 'none';
  /** The last fetch error, when the voices are missing or older than the TTL because of it. */
  error?: string;
}

export class LiveVoiceCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #retryAfterMs: number;
  readonly #coldWaitMs: number;
  readonly #now: () => number;

  constructor(options: LiveVoiceCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#retryAfterMs = options.retryAfterMs ?? 30_000;
    this.#coldWaitMs = options.coldWaitMs ?? 1_500;
    this.#now = options.now ?? Date.now;
  }

  /** The voices of `key` (an organization and provider), fetching or refreshing as described above. */
  async get(key: string, fetch: VoiceFetcher): Promise<LiveVoices> {
    const entry = this.#entry(key);
    const now = this.#now();
    const fresh = entry.fetchedAt !== undefined && now - entry.fetchedAt < this.#ttlMs;
    const backingOff = entry.failedAt !== undefined && now - entry.failedAt < this.#retryAfterMs;
    if (entry.voices) {
      if (!fresh && !backingOff) void this.#refresh(key, entry, fetch);
      return { voices: entry.voices, source: 'cache', ...(fresh ? {} : { error: entry.lastError }) };
    }
    if (backingOff) return { source: 'none', error: entry.lastError };
    const done = this.#refresh(key, entry, fetch);
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      done.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.#coldWaitMs))),
    ]);
    clearTimeout(timer);
    if (waited && entry.voices) return { voices: entry.voices, source: 'fetched' };
    return { source: 'none', error: waited ? entry.lastError : `no answer within ${this.#coldWaitMs} ms` };
  }

  /** Forgets `key` (its credentials changed or were removed); a fetch under way is aborted. */
  invalidate(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.abort?.abort();
    this.#entries.set(key, { generation: entry.generation + 1 });
  }

  /** Aborts every fetch and empties the cache. */
  clear(): void {
    for (const entry of this.#entries.values()) entry.abort?.abort();
    this.#entries.clear();
  }

  #entry(key: string): Entry {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { generation: 0 };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** One fetch at a time per key; resolves when it has landed (or failed). */
  #refresh(key: string, entry: Entry, fetch: VoiceFetcher): Promise<void> {
    if (entry.inFlight) return entry.inFlight;
    const abort = new AbortController();
    entry.abort = abort;
    entry.inFlight = fetch(abort.signal).then(
      (voices) => {
        if (this.#entries.get(key) !== entry) return; // invalidated meanwhile
        entry.voices = voices;
        entry.fetchedAt = this.#now();
        entry.failedAt = undefined;
        entry.lastError = undefined;
      },
      (err: unknown) => {
        if (this.#entries.get(key) !== entry) return;
        entry.failedAt = this.#now();
        entry.lastError = err instanceof Error ? err.message : String(err);
      },
    );
    entry.inFlight = entry.inFlight.finally(() => {
      entry.inFlight = undefined;
      entry.abort = undefined;
    });
    return entry.inFlight;
  }
}
