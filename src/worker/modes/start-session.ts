import { voice } from '@livekit/agents';
import { instructionsOf } from './components.ts';
import { roomOptions } from './session-options.ts';
import type { ModeInput } from './types.ts';

/**
 * Hands the session to the call's recorders and lifecycle, then starts it in the room, listening to
 * the caller only. Every mode starts its session this way.
 */
export async function startInRoom(
  session: voice.AgentSession,
  input: ModeInput,
  mode: string,
  reason = 'start',
) {
  input.calls.attach(session);
  input.onSession(session);
  await input.recorder.modeSwitch(mode, reason);
  await session.start({
    agent: new voice.Agent({ instructions: instructionsOf(input.spec) }),
    room: input.ctx.room,
    inputOptions: {
      ...roomOptions.inputOptions,
      participantIdentity: input.spec.session.participantIdentity,
    },
    record: roomOptions.record,
  });
}
