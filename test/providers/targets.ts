/**
 * Every cloud provider model the conformance suites drive, with the fake that stands in for the
 * provider. A provider joins a capability's suite by being listed here.
 */
import { startAnthropicFake } from '../fakes/anthropic.ts';
import { startCartesiaFake } from '../fakes/cartesia.ts';
import { startDeepgramFake } from '../fakes/deepgram.ts';
import { startElevenLabsFake } from '../fakes/elevenlabs.ts';
import { startGoogleFake } from '../fakes/google.ts';
import { defaultReply, startFakeRealtime } from '../fakes/openai-realtime.ts';
import { startFakeOpenAIRest } from '../fakes/openai-rest.ts';
import { bakery } from '../fixtures/bakery-agent.ts';
import type { Target } from './support.ts';

export const ttsTargets: Target[] = [
  {
    name: 'openai/tts-1',
    provider: 'openai',
    model: 'tts-1',
    params: { voice: 'nova' },
    start: () => startFakeOpenAIRest({ apiKey: 'sk-conformance' }),
    workPath: /\/audio\/speech$/,
  },
  {
    name: 'deepgram/aura-2',
    provider: 'deepgram',
    model: 'aura-2',
    params: { voice: 'aura-2-thalia-en' },
    start: () => startDeepgramFake(),
    workPath: /\/v1\/speak$/,
  },
  {
    name: 'elevenlabs/eleven_flash_v2_5',
    provider: 'elevenlabs',
    model: 'eleven_flash_v2_5',
    start: () => startElevenLabsFake(),
    workPath: /\/text-to-speech\//,
  },
  {
    name: 'cartesia/sonic-2',
    provider: 'cartesia',
    model: 'sonic-2',
    start: () => startCartesiaFake(),
    workPath: /\/tts\//,
  },
];

export const sttTargets: Target[] = [
  {
    name: 'openai/whisper-1',
    provider: 'openai',
    model: 'whisper-1',
    start: () => startFakeOpenAIRest({ apiKey: 'sk-conformance' }),
    workPath: /\/audio\/transcriptions$/,
  },
  {
    name: 'deepgram/nova-3',
    provider: 'deepgram',
    model: 'nova-3',
    start: () => startDeepgramFake(),
    workPath: /\/v1\/listen$/,
  },
];

export const llmTargets: Target[] = [
  {
    name: 'openai/gpt-4o-mini',
    provider: 'openai',
    model: 'gpt-4o-mini',
    start: () => startFakeOpenAIRest({ apiKey: 'sk-conformance' }),
    workPath: /\/chat\/completions$/,
  },
  {
    name: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    start: () => startAnthropicFake({ apiKey: 'sk-ant-conformance' }),
    workPath: /\/v1\/messages$/,
  },
  {
    name: 'google/gemini-3.5-flash',
    provider: 'google',
    model: 'gemini-3.5-flash',
    start: () => startGoogleFake(),
    workPath: /:(stream)?[gG]enerateContent$/,
  },
];

/**
 * Speech-to-speech (realtime) models. The Google fake hears the caller with pocketsphinx and
 * answers with the bakery rules; the OpenAI Realtime fake does not listen to what is said, so it is
 * told to answer every caller turn with the bakery's reply to the first caller line (instructed
 * replies still say their quoted sentence).
 */
export const stsTargets: Target[] = [
  {
    name: 'openai/gpt-realtime',
    provider: 'openai',
    model: 'gpt-realtime',
    start: () =>
      startFakeRealtime({
        apiKey: 'sk-conformance',
        reply: (ctx) => (ctx.trigger === 'vad' ? bakery.turns[0]!.reply : defaultReply(ctx)),
      }),
    workPath: /^\/v1\/realtime$/,
  },
  {
    name: 'google/gemini-3.1-flash-live-preview',
    provider: 'google',
    model: 'gemini-3.1-flash-live-preview',
    start: () => startGoogleFake(),
    workPath: /BidiGenerateContent$/,
  },
];
