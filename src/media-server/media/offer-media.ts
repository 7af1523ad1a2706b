import { parse } from 'sdp-transform';

/** One m-line of a client offer, as far as publishing is concerned. */
export interface OfferedMedia {
  mid: string;
  kind: string;
  /** False when the client no longer sends on this m-line (inactive, recvonly, port 0). */
  sending: boolean;
  /** Track id from `a=msid:<stream> <track>`; LiveKit clients use the AddTrackRequest cid. */
  msidTrackId?: string;
}

/** Lists the m-lines of an SDP with their send state; throws on unparsable SDP or no m-lines. */
export function offeredMedia(sdp: string): OfferedMedia[] {
  if (!sdp.startsWith('v=0')) throw new Error('not an SDP');
  const session = parse(sdp);
  if (!session.media?.length) throw new Error('SDP has no m-lines');
  return session.media.map((m, index) => {
    const direction = m.direction ?? session.direction ?? 'sendrecv';
    const media: OfferedMedia = {
      mid: m.mid !== undefined ? String(m.mid) : String(index),
      kind: m.type,
      sending: m.port !== 0 && (direction === 'sendonly' || direction === 'sendrecv'),
    };
    const msid = m.msid?.split(' ')[1] ?? undefined;
    if (msid) media.msidTrackId = msid;
    return media;
  });
}
