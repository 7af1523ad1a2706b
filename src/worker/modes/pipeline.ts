import { voice } from '@livekit/agents';
import { buildPipeline, instructionsOf } from './components.ts';
import { greet } from './greeting.ts';
import { roomOptions, sessionOptions } from './session-options.ts';
import type { ModeInput, RunningMode } from './types.ts';

/** `pipeline`: VAD + STT → LLM → TTS with barge-in. */
export async function startPipeline(input: ModeInput): Promise<RunningMode> {
  const { stt, llm, tts } = buildPipeline(input.spec);
  const session = new voice.AgentSession({
    ...sessionOptions(input.behaviour),
    vad: input.vad,
    stt,
    llm,
    tts,
  });
  input.calls.attach(session);
  input.onSession(session);
  await input.recorder.modeSwitch('pipeline', 'start');
  await session.start({
    agent: new voice.Agent({ instructions: instructionsOf(input.spec) }),
    room: input.ctx.room,
    inputOptions: {
      ...roomOptions.inputOptions,
      participantIdentity: input.spec.session.participantIdentity,
    },
    record: roomOptions.record,
  });
  greet(session, input.behaviour, (text, allowInterruptions) => session.say(text, { allowInterruptions }));
  return { current: 'pipeline' };
}
