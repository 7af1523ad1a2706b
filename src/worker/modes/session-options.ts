import type { voice } from '@livekit/agents';
import type { VoiceBehaviour } from '../voice-params.ts';

/** AgentSession options shared by every mode: turn handling and interruptions from the agent. */
export function sessionOptions(behaviour: VoiceBehaviour): Partial<voice.AgentSessionOptions> {
  return {
    // VAD endpointing: the audio end-of-turn model needs its own 330 MB process per worker.
    turnHandling: {
      turnDetection: 'vad',
      endpointing: { minDelay: behaviour.minEndpointingDelayMs },
      interruption: { enabled: behaviour.allowInterruptions },
    },
    userAwayTimeout: null,
  };
}

/** Room options: leave when the caller leaves, and close the room when the agent ends the call. */
export const roomOptions = {
  inputOptions: { closeOnDisconnect: true, deleteRoomOnClose: true },
  record: false,
} as const;
