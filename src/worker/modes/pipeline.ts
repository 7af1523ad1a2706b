import { buildPipeline, speaksLocally, tuneVad } from './components.ts';
import { greet } from './greeting.ts';
import { ParleyAgentSession } from './parley-session.ts';
import { sessionOptions } from './session-options.ts';
import { startInRoom } from './start-session.ts';
import type { ModeInput, RunningMode } from './types.ts';

/** `pipeline`: VAD + STT → LLM → TTS with barge-in. */
export async function startPipeline(input: ModeInput): Promise<RunningMode> {
  const { stt, llm, tts } = buildPipeline(input.spec, input.behaviour);
  tuneVad(input, stt);
  const session = new ParleyAgentSession({
    ...sessionOptions(input.behaviour, { preemptiveTts: speaksLocally(input.spec) }),
    vad: input.vad,
    stt,
    llm,
    tts,
  });
  // VAD (Silero) and most recognizers work at 16 kHz; the agent speaks at its TTS's own rate.
  await startInRoom(session, input, 'pipeline', { audio: { inputHz: 16_000, outputHz: tts.sampleRate } });
  greet(session, input.behaviour, (text, allowInterruptions) => session.say(text, { allowInterruptions }));
  return { current: 'pipeline' };
}
