import type { voice } from '@livekit/agents';
import { buildRealtime, tuneVad } from './components.ts';
import { greet } from './greeting.ts';
import { ParleyAgentSession } from './parley-session.ts';
import { sessionOptions } from './session-options.ts';
import { startInRoom } from './start-session.ts';
import type { ModeInput, RunningMode } from './types.ts';

/** Asks a realtime model to speak a fixed sentence (it has no text-to-speech of its own to call). */
export function sayThroughRealtime(session: voice.AgentSession, text: string, allowInterruptions: boolean) {
  session.generateReply({
    instructions: `Say exactly the following sentence, and nothing else: "${text.replace(/"/g, "'")}"`,
    allowInterruptions,
  });
}

/** `sts`: a speech-to-speech (realtime) model hears and speaks. */
export async function startSts(input: ModeInput): Promise<RunningMode> {
  const model = buildRealtime(input.spec);
  tuneVad(input);
  const session = new ParleyAgentSession({ ...sessionOptions(input.behaviour), vad: input.vad, llm: model });
  await startInRoom(session, input, 'sts');
  greet(session, input.behaviour, (text, allow) => sayThroughRealtime(session, text, allow));
  return { current: 'sts' };
}
