import { SignalTarget, TrickleRequest } from '@livekit/protocol';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { candidateAdvertises } from './peer-config.ts';
import type { TransportContext } from './transport.ts';

/**
 * Connects werift PeerConnection events to the participant: local candidates (only publicHost)
 * become `trickle` messages for `target`, the first "connected" state is reported, and remote
 * tracks are reported once per transceiver (werift can fire `ontrack` twice, W5).
 */
export function wirePeerConnection(
  pc: RTCPeerConnection,
  target: SignalTarget,
  ctx: TransportContext,
  primary: boolean,
  msidForMid: (mid: string) => string | undefined = () => undefined,
): void {
  const { hooks, logger, publicHost } = ctx;
  const side = target === SignalTarget.PUBLISHER ? 'publisher' : 'subscriber';
  pc.onicecandidate = ({ candidate }) => {
    if (!candidate?.candidate || !candidateAdvertises(candidate.candidate, publicHost)) return;
    hooks.signal({
      case: 'trickle',
      value: new TrickleRequest({ candidateInit: JSON.stringify(candidate.toJSON()), target }),
    });
  };
  let reported = false;
  pc.connectionStateChange.subscribe((state) => {
    logger.debug({ side, state }, 'peer connection state');
    if (state === 'connected' && primary && !reported) {
      reported = true;
      hooks.connected();
    }
  });
  const seen = new WeakSet<RTCRtpTransceiver>();
  pc.ontrack = ({ track, transceiver }) => {
    if (seen.has(transceiver)) return;
    seen.add(transceiver);
    const mid = transceiver.mid ?? '';
    hooks.track(track, mid, msidForMid(mid));
  };
}

/** Parses a trickled `candidateInit`; throws on malformed JSON. Returns undefined for end-of-candidates. */
export function parseCandidateInit(
  candidateInit: string,
): { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | undefined {
  const parsed: unknown = JSON.parse(candidateInit);
  if (!parsed || typeof parsed !== 'object') throw new Error('candidateInit is not an object');
  const { candidate, sdpMid, sdpMLineIndex } = parsed as Record<string, unknown>;
  if (typeof candidate !== 'string') throw new Error('candidateInit has no candidate');
  if (candidate === '') return undefined;
  const init: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } = { candidate };
  if (typeof sdpMid === 'string') init.sdpMid = sdpMid;
  if (typeof sdpMLineIndex === 'number') init.sdpMLineIndex = sdpMLineIndex;
  return init;
}
