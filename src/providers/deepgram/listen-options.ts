/**
 * The settings of a Deepgram live transcription (`/v1/listen` websocket) and the query string
 * that carries them, with the parameter names and defaults `@livekit/agents-plugin-deepgram` 1.9
 * uses, so Parley's stream asks Deepgram for exactly what the plugin would.
 */

/** Everything one `/v1/listen` connection is opened with. */
export interface ListenSettings {
  apiKey: string;
  /** `wss://api.deepgram.com` or a self-hosted `ws://host:port`, without `/v1`. */
  wsOrigin: string;
  /** `nova-3`, `nova-2`, … */
  model: string;
  /** BCP-47 (`en-US`), or `multi` for Nova-3's code-switching. */
  language: string;
  /** Interim transcripts while speech goes on (`interim_results`). */
  interimResults: boolean;
  punctuate: boolean;
  smartFormat: boolean;
  /** `no_delay`: results without waiting for smart formatting of numbers. */
  noDelay: boolean;
  /** Silence that ends an utterance (`speech_final`), ms; false disables endpointing. */
  endpointingMs: number | false;
  fillerWords: boolean;
  numerals: boolean;
  profanityFilter: boolean;
  /** Nova-3 keyterm prompting: words and phrases to recognize more readily. */
  keyterms: string[];
  /** Nova-2 keyword boosting: `[word, intensifier]`. */
  keywords: [string, number][];
  /** Sends `UtteranceEnd` after this gap between words, ms (Deepgram requires ≥ 1000). */
  utteranceEndMs?: number;
  /** Opt out of Deepgram's model improvement program. */
  mipOptOut: boolean;
  /** Linear16 mono audio is sent at this rate; the stream resamples its input to it. */
  sampleRate: number;
}

/** The plugin's defaults for everything but the credentials, model and language. */
export const LISTEN_DEFAULTS = {
  interimResults: true,
  punctuate: true,
  smartFormat: true,
  noDelay: true,
  endpointingMs: 25,
  fillerWords: false,
  numerals: false,
  profanityFilter: false,
  keyterms: [],
  keywords: [],
  mipOptOut: false,
  sampleRate: 16_000,
} satisfies Partial<ListenSettings>;

/** `…/v1/listen?model=…&encoding=linear16&…` for these settings. */
export function listenUrl(s: ListenSettings): URL {
  const url = new URL(`${s.wsOrigin}/v1/listen`);
  const q = url.searchParams;
  const set = (key: string, value: string | number | boolean) => q.append(key, String(value));
  set('model', s.model);
  set('language', s.language);
  set('encoding', 'linear16');
  set('sample_rate', s.sampleRate);
  set('channels', 1);
  set('interim_results', s.interimResults);
  set('punctuate', s.punctuate);
  set('smart_format', s.smartFormat);
  set('no_delay', s.noDelay);
  set('endpointing', s.endpointingMs);
  // SpeechStarted messages: the earliest start-of-speech signal Deepgram gives.
  set('vad_events', true);
  set('filler_words', s.fillerWords);
  set('numerals', s.numerals);
  set('profanity_filter', s.profanityFilter);
  set('mip_opt_out', s.mipOptOut);
  for (const term of s.keyterms) set('keyterm', term);
  for (const [word, boost] of s.keywords) set('keywords', `${word}:${boost}`);
  if (s.utteranceEndMs !== undefined) set('utterance_end_ms', s.utteranceEndMs);
  return url;
}
