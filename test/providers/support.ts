/**
 * Shared pieces of the provider conformance suites: building a provider object the way a call
 * does (through the registry, with an organization's credentials pointing at the fake), fast
 * connect options, and collecting what the framework reports.
 */
import { APIError, initializeLogger, type APIConnectOptions } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { modelId, type ModelType } from '../../src/catalog/index.ts';
import { build, type Built } from '../../src/providers/registry.ts';
import type { FakeProviderControl, FakeRequestRecord } from '../fakes/control.ts';

/** A provider model driven through its fake. */
export interface Target {
  /** How the suite names it, e.g. `deepgram/aura-2`. */
  name: string;
  provider: string;
  model: string;
  /** The agent's parameters for the model (`ttsModelParams`, …). */
  params?: Record<string, unknown>;
  language?: string;
  /** Starts the provider's fake. */
  start(): Promise<FakeProviderControl>;
  /** Paths of the requests that do the work (the suite ignores the rest, e.g. account checks). */
  workPath: RegExp;
}

let loggerReady = false;

/** Builds the target's provider object with the fake's credentials (or a wrong key). */
export function buildTarget<T extends ModelType>(
  type: T,
  target: Target,
  fake: FakeProviderControl,
  { wrongKey = false, phrases = [] as string[] } = {},
): Built[T] {
  if (!loggerReady) {
    initializeLogger({ pretty: false, level: 'fatal' });
    loggerReady = true;
  }
  return build(type, modelId(target.provider, type, target.model), {
    params: target.params ?? {},
    language: target.language ?? 'en-US',
    expectedPhrases: phrases,
    credentials: { apiKey: wrongKey ? `${fake.apiKey}-wrong` : fake.apiKey, baseUrl: fake.baseUrl },
  });
}

/** Retries kept short so fault tests finish quickly: 2 retries, 50 ms apart, 3 s timeout. */
export const FAST: APIConnectOptions = { maxRetry: 2, retryIntervalMs: 50, timeoutMs: 3_000 };
/** No retries, 2 s timeout: for the stall test. */
export const NO_RETRY_SHORT_TIMEOUT: APIConnectOptions = {
  maxRetry: 0,
  retryIntervalMs: 50,
  timeoutMs: 2_000,
};

/** The requests that did the target's work. */
export function work(fake: FakeProviderControl, target: Target): FakeRequestRecord[] {
  return fake.requests.filter((r) => target.workPath.test(r.path));
}

/** An error a provider object emitted (`tts.on('error')` and friends). */
export interface EmittedError {
  error: Error & { statusCode?: number; retryable?: boolean };
  recoverable: boolean;
}

/** Collects the `error` events of a provider object. */
export function errorsOf(emitter: { on(event: 'error', listener: (e: EmittedError) => void): unknown }) {
  const errors: EmittedError[] = [];
  emitter.on('error', (e) => errors.push(e));
  return errors;
}

/** PCM16 mono of frames (first channel), with their sample rate. */
export function pcmOf(frames: AudioFrame[]): { pcm: Int16Array; sampleRate: number } {
  const sampleRate = frames[0]?.sampleRate ?? 16_000;
  const total = frames.reduce((n, f) => n + f.samplesPerChannel, 0);
  const pcm = new Int16Array(total);
  let o = 0;
  for (const f of frames) {
    for (let i = 0; i < f.samplesPerChannel; i++) pcm[o + i] = f.data[i * f.channels]!;
    o += f.samplesPerChannel;
  }
  return { pcm, sampleRate };
}

/** Resolves with `promise`, or rejects naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` holds, failing with `what` after `ms`. */
export async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * @livekit/agents 1.9's `tts.ChunkedStream` starts its main task without awaiting it, so every
 * failed `synthesize()` also surfaces as an unhandled rejection of an agents API error (the error
 * itself is reported through the TTS's `error` event). Job processes log and drop these (the
 * framework installs a handler there); the conformance suites do the same for agents API errors
 * only, so any other unhandled rejection still fails the test.
 */
export function toleratePluginTaskRejections(): void {
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof APIError) return;
    throw reason;
  });
}

/**
 * Closes a provider object and keeps swallowing its `error` events: `close()` drops the listeners,
 * while a stream that already failed may still report its last attempt.
 */
export async function closeQuietly(provider: {
  close?(): Promise<void>;
  aclose?(): Promise<void>;
  on(event: 'error', listener: (e: EmittedError) => void): unknown;
}): Promise<void> {
  // LLMs close with `aclose()`, speech models with `close()`.
  await (provider.close ?? provider.aclose)?.call(provider);
  provider.on('error', () => undefined);
}
