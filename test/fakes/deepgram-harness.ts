/**
 * What the Deepgram protocol tests share: the caller's audio, feeding and reading STT and TTS
 * streams with bounded waits, and collecting the errors a provider object emits.
 */
import type { APIConnectOptions, stt } from '@livekit/agents';
import { tts } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { concatPcm16 } from '../../src/audio/pcm.ts';
import type { FliteSynthesizer } from '../../src/providers/flite/index.ts';
import { bakery } from '../fixtures/bakery-agent.ts';

export const RATE = 16_000;
/** What the caller says. */
export const SAY = bakery.turns[0]!.say;
/** What the agent says: words pocketsphinx's dictionary has (bakery.turns[1]'s "flavour" it lacks). */
export const REPLY = bakery.turns[0]!.reply;
/** The agent's expected phrases. */
export const PHRASES = bakery.turns.map((t) => t.say);
/** Fast connect options so the fault tests take seconds, not the 2 s / 10 s defaults. */
export const FAST: APIConnectOptions = { maxRetry: 2, retryIntervalMs: 50, timeoutMs: 1_500 };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a failure naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deterministic low noise, far below the energy threshold: silence as a phone line carries it. */
export function quiet(ms: number): Int16Array {
  const out = new Int16Array((RATE * ms) / 1000);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = (seed % 7) - 3;
  }
  return out;
}

/** The caller saying {@link SAY} at 16 kHz: 300 ms of line noise, the words, 1.5 s of line noise. */
export async function callerAudio(synth: FliteSynthesizer): Promise<Int16Array> {
  const words = await synth.synthesize(SAY, 'kal16');
  if (words.sampleRate !== RATE) throw new Error(`flite spoke at ${words.sampleRate} Hz`);
  return concatPcm16([quiet(300), words.samples, quiet(1500)]);
}

export interface Heard {
  ev: stt.SpeechEvent;
  at: number;
}

/** Reads a speech stream to its end in the background. */
export function listen(stream: stt.SpeechStream) {
  const events: Heard[] = [];
  const done = (async () => {
    for await (const ev of stream) events.push({ ev, at: Date.now() });
  })();
  const of = (type: stt.SpeechEventType) => events.filter((e) => e.ev.type === type);
  return { events, done, of };
}

/** Pushes 16 kHz audio in 100 ms frames, `speedup` times faster than real time (0: at once). */
export async function push(stream: stt.SpeechStream, pcm: Int16Array, speedup = 0): Promise<void> {
  for (let o = 0; o < pcm.length; o += RATE / 10) {
    const data = pcm.slice(o, o + RATE / 10);
    stream.pushFrame(new AudioFrame(data, RATE, 1, data.length));
    if (speedup) await sleep(100 / speedup);
  }
}

/** Every error the object emits from now on. */
export function errorsOf(emitter: stt.STT | tts.TTS): Error[] {
  const errors: Error[] = [];
  (emitter as stt.STT).on('error', (e: { error: Error }) => errors.push(e.error));
  return errors;
}

/** Reads a TTS stream to its end: the frames, when they came, whether END_OF_STREAM did. */
export async function drain(stream: tts.SynthesizeStream | tts.ChunkedStream) {
  const frames: tts.SynthesizedAudio[] = [];
  let endOfStream = false;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  for await (const ev of stream as AsyncIterable<tts.SynthesizedAudio | symbol>) {
    if (ev === tts.SynthesizeStream.END_OF_STREAM) {
      endOfStream = true;
      continue;
    }
    firstAt ??= Date.now();
    lastAt = Date.now();
    frames.push(ev as tts.SynthesizedAudio);
  }
  return { frames, endOfStream, firstAt, lastAt };
}
