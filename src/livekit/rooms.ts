import { RoomServiceClient } from 'livekit-server-sdk';
import type { LiveKitCredentials } from './token.ts';

/** The room operations the control plane needs, against any LiveKit (embedded or real). */
export interface RoomControl {
  deleteRoom(roomName: string): Promise<void>;
}

/** A {@link RoomControl} over LiveKit's Twirp RoomService. */
export function roomControl(creds: LiveKitCredentials): RoomControl {
  const client = new RoomServiceClient(creds.url.replace(/^ws/, 'http'), creds.apiKey, creds.apiSecret);
  return {
    async deleteRoom(roomName) {
      try {
        await client.deleteRoom(roomName);
      } catch (err) {
        // A room that never started or already closed is the goal state.
        if (!/not.?found|does not exist/i.test(String((err as Error).message))) throw err;
      }
    },
  };
}
