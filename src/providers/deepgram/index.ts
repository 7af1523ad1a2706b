/**
 * Deepgram for Parley: Nova speech-to-text over the `/v1/listen` websocket, Aura-2 speech over
 * `/v1/speak`, and the key check. The organization's credentials are `{apiKey, baseUrl?}`, where
 * `baseUrl` is Deepgram's HTTP(S) origin (`https://api.deepgram.com` by default, or a self-hosted
 * deployment such as `http://10.0.0.5:8080`); the websocket origin is derived from it.
 */
import { numParam, requireKey, strParam, type Factories, type FactoryInput } from '../types.ts';
import { DEFAULT_AURA_VOICE } from './speak-options.ts';
import { DeepgramSTT } from './stt.ts';
import { DeepgramTTS } from './tts.ts';

export { deepgramAccount } from './account.ts';
export { DeepgramSTT, type DeepgramSTTOptions } from './stt.ts';
export { DeepgramTTS, type DeepgramTTSOptions } from './tts.ts';
export { DeepgramListenStream } from './listen-stream.ts';
export { DeepgramSpeakRequest } from './speak-request.ts';
export { DeepgramSpeakStream } from './speak-stream.ts';
export { listenUrl, type ListenSettings } from './listen-options.ts';
export { speakUrl, DEFAULT_AURA_VOICE, type SpeakSettings } from './speak-options.ts';
export { deepgramOrigins, DEEPGRAM_API_ORIGIN, type DeepgramOrigins } from './urls.ts';

/** Deepgram bounds keyterm prompts (about 500 tokens in all); the agent's first phrases go. */
const MAX_KEYTERMS = 50;
const MAX_KEYWORDS = 50;
/** Words too common to be worth a Nova-2 keyword boost. */
const COMMON_WORDS = new Set(
  'a an and are can could do does for from have how i in is it me my of on or our please that the this to was we what when where which who why will with would you your'.split(
    ' ',
  ),
);

const boolParam = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/**
 * The agent's expected phrases as Deepgram biasing: Nova-3 takes whole phrases as keyterms;
 * Nova-2 boosts single words (`keywords=word:1`), so it gets the phrases' distinctive words.
 */
export function recognitionHints(
  model: string,
  phrases: readonly string[],
): { keyterms: string[]; keywords: [string, number][] } {
  const cleaned = [...new Set(phrases.map((p) => p.trim().replace(/\s+/g, ' ')).filter(Boolean))];
  if (model.startsWith('nova-3')) return { keyterms: cleaned.slice(0, MAX_KEYTERMS), keywords: [] };
  const words = new Set<string>();
  for (const phrase of cleaned) {
    for (const word of phrase.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
      if (word.length > 2 && !COMMON_WORDS.has(word)) words.add(word);
    }
  }
  return { keyterms: [], keywords: [...words].slice(0, MAX_KEYWORDS).map((w) => [w, 1]) };
}

/**
 * The Deepgram STT for a catalog model. Parameters (`sttModelParams`): `language` (overrides the
 * agent's), `endpointingMs` (silence that ends an utterance; `false` disables it), `utteranceEndMs`,
 * `smartFormat`, `punctuate`, `fillerWords`. Interim results are always on.
 */
function buildStt(input: FactoryInput): DeepgramSTT {
  const { params, model } = input;
  const endpointing = params.endpointingMs === false ? false : numParam(params.endpointingMs);
  return new DeepgramSTT({
    apiKey: requireKey(input),
    baseUrl: input.credentials?.baseUrl,
    model: model.name,
    language: strParam(params.language) ?? input.language ?? 'en-US',
    interimResults: true,
    ...recognitionHints(model.name, input.expectedPhrases),
    endpointingMs: endpointing,
    utteranceEndMs: numParam(params.utteranceEndMs),
    smartFormat: boolParam(params.smartFormat),
    punctuate: boolParam(params.punctuate),
    fillerWords: boolParam(params.fillerWords),
  });
}

/**
 * The Deepgram TTS. Parameters (`ttsModelParams`): `voice` (an Aura-2 voice id, default
 * `aura-2-thalia-en`), `speed` (0.7–1.5), `sampleRate` (8000–48000, default 24000).
 */
function buildTts(input: FactoryInput): DeepgramTTS {
  const { params } = input;
  return new DeepgramTTS({
    apiKey: requireKey(input),
    baseUrl: input.credentials?.baseUrl,
    voice: strParam(params.voice) ?? DEFAULT_AURA_VOICE,
    speed: numParam(params.speed),
    sampleRate: numParam(params.sampleRate),
  });
}

/** Registry entry for the `deepgram` provider slug. */
export const deepgramFactories: Factories = { STT: buildStt, TTS: buildTts };
