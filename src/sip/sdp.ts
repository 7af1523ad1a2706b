/**
 * SDP offer/answer for one audio stream (RFC 3264): G.711 μ-law (PT 0) or A-law (PT 8), RFC 4733
 * telephone-event, 20 ms packets, and the direction attributes a re-INVITE uses for hold.
 */
import sdpTransform from 'sdp-transform';

/** The codecs the gateway speaks. */
export type G711 = 'PCMU' | 'PCMA';

/** Media direction from the offerer's point of view. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What the gateway needs from an offer. */
export interface AudioOffer {
  address: string;
  port: number;
  codec: G711;
  payloadType: number;
  /** The telephone-event payload type when offered at 8 kHz. */
  dtmfPayloadType: number | undefined;
  direction: Direction;
}

/** Why an offer cannot be accepted (answered with 488). */
export class SdpError extends Error {}

/** Reads an SDP offer; throws {@link SdpError} when it has no usable audio stream. */
export function parseOffer(body: string): AudioOffer {
  let sdp: sdpTransform.SessionDescription;
  try {
    sdp = sdpTransform.parse(body);
  } catch {
    throw new SdpError('unparseable SDP');
  }
  const media = (sdp.media ?? []).find((m) => m.type === 'audio' && m.port !== 0);
  if (!media) throw new SdpError('no audio stream');
  if (!/^RTP\/AVP$/i.test(media.protocol ?? '')) throw new SdpError(`unsupported profile ${media.protocol}`);
  const address = media.connection?.ip ?? sdp.connection?.ip;
  if (!address || !Number.isInteger(media.port) || media.port < 1 || media.port > 65535) {
    throw new SdpError('no connection address');
  }
  const pts = String(media.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const names = new Map<number, { codec: string; rate: number | undefined }>();
  for (const r of media.rtp ?? []) names.set(r.payload, { codec: r.codec.toUpperCase(), rate: r.rate });
  let chosen: { pt: number; codec: G711 } | undefined;
  for (const pt of pts) {
    const name = names.get(pt)?.codec ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : undefined);
    const rate = names.get(pt)?.rate ?? 8000;
    if ((name === 'PCMU' || name === 'PCMA') && rate === 8000) {
      chosen = { pt, codec: name };
      break;
    }
  }
  if (!chosen) throw new SdpError('no G.711 codec offered');
  const dtmf = pts.find((pt) => names.get(pt)?.codec === 'TELEPHONE-EVENT' && names.get(pt)?.rate === 8000);
  const dir = (media.direction ?? sdp.direction ?? 'sendrecv') as Direction;
  return {
    address,
    port: media.port,
    codec: chosen.codec,
    payloadType: chosen.pt,
    dtmfPayloadType: dtmf,
    // RFC 2543 hold: a zero connection address.
    direction: address === '0.0.0.0' && dir === 'sendrecv' ? 'sendonly' : dir,
  };
}

const ANSWER_DIRECTION: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/** Builds the SDP answer for an accepted offer. `version` increases with each new answer. */
export function buildAnswer(opts: {
  offer: AudioOffer;
  host: string;
  port: number;
  sessionId: string;
  version: number;
}): string {
  const { offer } = opts;
  const ip = opts.host.includes(':') ? 'IP6' : 'IP4';
  const fmts = [offer.payloadType, ...(offer.dtmfPayloadType !== undefined ? [offer.dtmfPayloadType] : [])];
  const lines = [
    'v=0',
    `o=parley ${opts.sessionId} ${opts.version} IN ${ip} ${opts.host}`,
    's=Parley',
    `c=IN ${ip} ${opts.host}`,
    't=0 0',
    `m=audio ${opts.port} RTP/AVP ${fmts.join(' ')}`,
    `a=rtpmap:${offer.payloadType} ${offer.codec}/8000`,
  ];
  if (offer.dtmfPayloadType !== undefined) {
    lines.push(
      `a=rtpmap:${offer.dtmfPayloadType} telephone-event/8000`,
      `a=fmtp:${offer.dtmfPayloadType} 0-16`,
    );
  }
  lines.push('a=ptime:20', `a=${ANSWER_DIRECTION[offer.direction]}`, '');
  return lines.join('\r\n');
}
