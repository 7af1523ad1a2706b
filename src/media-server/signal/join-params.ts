import { gunzipSync } from 'node:zlib';
import { JoinRequest, WrappedJoinRequest, WrappedJoinRequest_Compression } from '@livekit/protocol';
import type { SessionDescription } from '@livekit/protocol';

/** Largest decompressed `join_request` accepted (it carries an SDP offer of a few KB). */
const maxJoinRequestBytes = 256 * 1024;

/** How a client asked to join, from v0 query parameters or a v1 `join_request`. */
export interface JoinParams {
  protocolVersion: 'v0' | 'v1';
  autoSubscribe: boolean;
  /** The client's `client_protocol`; copied into ParticipantInfo (data stream v2, RPC v2). */
  clientProtocol: number;
  /** The client tries to resume a session; unsupported, so it is told to rejoin. */
  reconnect: boolean;
  sdk: string;
  /** v1: the publisher offer sent with the join request. */
  publisherOffer?: SessionDescription;
}

/** Reads v0 (`/rtc`) join parameters from the query string. */
export function parseV0JoinParams(url: URL): JoinParams {
  const q = url.searchParams;
  return {
    protocolVersion: 'v0',
    autoSubscribe: q.get('auto_subscribe') !== '0' && q.get('auto_subscribe') !== 'false',
    clientProtocol: Number.parseInt(q.get('client_protocol') ?? '0', 10) || 0,
    reconnect: q.get('reconnect') === '1' || q.get('reconnect') === 'true',
    sdk: q.get('sdk') ?? '',
  };
}

/**
 * Decodes a v1 (`/rtc/v1`) `join_request` parameter: base64url (padding optional) of a
 * WrappedJoinRequest whose payload may be gzipped. Throws on anything malformed.
 */
export function parseV1JoinParams(url: URL): JoinParams {
  const raw = url.searchParams.get('join_request');
  if (!raw) throw new Error('missing join_request');
  const wrapped = WrappedJoinRequest.fromBinary(Buffer.from(raw, 'base64url'));
  const payload =
    wrapped.compression === WrappedJoinRequest_Compression.GZIP
      ? gunzipSync(wrapped.joinRequest, { maxOutputLength: maxJoinRequestBytes })
      : wrapped.joinRequest;
  const request = JoinRequest.fromBinary(payload);
  const params: JoinParams = {
    protocolVersion: 'v1',
    autoSubscribe: request.connectionSettings?.autoSubscribe ?? true,
    clientProtocol: request.clientInfo?.clientProtocol ?? 0,
    reconnect: request.reconnect,
    sdk: String(request.clientInfo?.sdk ?? ''),
  };
  if (request.publisherOffer) params.publisherOffer = request.publisherOffer;
  return params;
}
