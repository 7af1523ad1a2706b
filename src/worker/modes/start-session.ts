import { voice } from '@livekit/agents';
import { instructionsOf } from './components.ts';
import { getModel } from '../../catalog/index.ts';
import { speakApology } from '../apology.ts';
import type { CallSpec } from '../load.ts';
import { providerErrorEvent } from '../provider-errors.ts';
import type { ParleyAgentSession } from './parley-session.ts';
import { roomOptions } from './session-options.ts';
import type { ModeInput } from './types.ts';

/**
 * The rates the caller's audio is decoded to and the agent's audio is published at. Every stage
 * whose rate differs resamples each 10 ms frame through rtc-node's native resampler, one FFI round
 * trip a frame, which costs a busy 2-core machine more than the speech engines themselves; so each
 * mode asks for the rates its engines use.
 */
export interface AudioRates {
  inputHz: number;
  outputHz: number;
}

/** `provider/model` of what the agent uses for each capability. */
function modelNames(spec: CallSpec): Record<'STT' | 'LLM' | 'TTS' | 'STS', string | undefined> {
  const name = (id: string | null) => {
    const m = id ? getModel(id) : undefined;
    return m ? `${m.provider}/${m.name}` : undefined;
  };
  const a = spec.agent;
  return { STT: name(a.sttModelId), LLM: name(a.modelId), TTS: name(a.ttsModelId), STS: name(a.stsModelId) };
}

/** Realtime models (OpenAI Realtime, Gemini Live) take and give 24 kHz audio. */
export const REALTIME_AUDIO: AudioRates = { inputHz: 24_000, outputHz: 24_000 };

/**
 * Hands the session to the call's recorders and lifecycle, then starts it in the room, listening to
 * the caller only. Every mode starts its session this way.
 */
export async function startInRoom(
  session: ParleyAgentSession,
  input: ModeInput,
  mode: string,
  { reason = 'start', audio = REALTIME_AUDIO }: { reason?: string; audio?: AudioRates } = {},
) {
  input.calls.attach(session);
  session.onProviderError = (error) => {
    input.logger.warn(
      { provider: error.label, recoverable: error.recoverable, err: error.error.message },
      'provider error',
    );
    void input.recorder.event(providerErrorEvent(error, modelNames(input.spec))).catch(() => undefined);
  };
  session.apologize = () => speakApology(session, input.apology);
  input.onSession(session);
  await input.recorder.modeSwitch(mode, reason);
  await session.start({
    agent: new voice.Agent({ instructions: instructionsOf(input.spec) }),
    room: input.ctx.room,
    inputOptions: {
      ...roomOptions.inputOptions,
      participantIdentity: input.spec.session.participantIdentity,
      audioSampleRate: audio.inputHz,
    },
    outputOptions: { audioSampleRate: audio.outputHz },
    record: roomOptions.record,
  });
}
