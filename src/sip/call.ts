/**
 * One inbound call from INVITE to hang-up: starts the voice session, rings, joins the room, answers
 * with SDP, bridges RTP ↔ room audio, handles re-INVITE (hold/unhold), CANCEL and BYE in both
 * directions, and watches for RTP silence. Every ending goes through {@link Call.end} once.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { startSession, type SessionDeps } from '../domain/voice-sessions/create.ts';
import { finishSession, type EndReason } from '../domain/voice-sessions/end.ts';
import { DomainError } from '../domain/errors.ts';
import type { Admitted } from './admission.ts';
import { RoomBridge } from './bridge.ts';
import { Dialog, Reliable2xx, token } from './dialog.ts';
import { buildResponse, type SipHeader, type SipRequest } from './message.ts';
import type { MediaClock } from './rtp/clock.ts';
import { RtpStream } from './rtp/stream.ts';
import { buildAnswer, parseOffer, SdpError, type AudioOffer } from './sdp.ts';
import type { ClientTransaction, ServerTransaction, SipTimers } from './transaction.ts';

/** What a call needs from its gateway. */
export interface CallEnv {
  db: Db;
  sessions: SessionDeps;
  timers: SipTimers;
  clock: MediaClock;
  /** Address advertised in Contact, Via and SDP. */
  publicHost: string;
  sipPort: number;
  rtpBindHost: string;
  rtpPortMin: number;
  rtpPortMax: number;
  rtpTimeoutMs: number;
  /** How long after the caller leaves the room the gateway itself closes a session the worker left open. */
  finishGraceMs: number;
  logger: Logger;
  sendRequest(call: Call, req: SipRequest): ClientTransaction;
  ended(call: Call): void;
}

/** Why a call ended, from the gateway's side. */
export type CallEnd =
  'caller_bye' | 'cancelled' | 'room_closed' | 'rtp_timeout' | 'no_ack' | 'setup_failed' | 'shutdown';

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';

/** The SIP answer to a domain refusal when starting the session. */
export function sessionErrorResponse(err: unknown): { status: number; reason?: string } {
  if (err instanceof DomainError) {
    if (err.code === 'NOT_FOUND') return { status: 480, reason: 'agent not found' };
    if (err.code === 'AGENT_NOT_VOICE_ENABLED') return { status: 503, reason: 'agent not voice-enabled' };
    if (err.code === 'PROVIDER_NOT_CONFIGURED')
      return { status: 503, reason: 'agent providers not configured' };
  }
  return { status: 500 };
}

export class Call {
  state: 'ringing' | 'answered' | 'confirmed' | 'ended' = 'ringing';
  readonly dialog: Dialog;
  readonly log: Logger;
  sessionId: string | undefined;
  rtp: RtpStream | undefined;
  bridge: RoomBridge | undefined;
  /** When the 200 OK went out (for the benchmark). */
  answeredAt = 0;
  #offer: AudioOffer;
  #sdpVersion = 1;
  #reliable: Reliable2xx | undefined;
  #watch: NodeJS.Timeout | undefined;
  #endReason: CallEnd | undefined;

  constructor(
    private readonly env: CallEnv,
    readonly invite: ServerTransaction,
    readonly admitted: Admitted,
    offer: AudioOffer,
  ) {
    this.#offer = offer;
    this.dialog = new Dialog(invite.request, token(), invite.flow);
    this.log = env.logger.child({ callId: this.dialog.callId });
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  #contact(): SipHeader {
    const transport = this.dialog.flow.transport === 'TCP' ? ';transport=tcp' : '';
    return { name: 'contact', value: `<sip:parley@${this.env.publicHost}:${this.env.sipPort}${transport}>` };
  }

  #respond(status: number, extra: SipHeader[] = []): void {
    this.invite.respond(
      buildResponse(this.invite.request, status, { toTag: this.dialog.localTag, headers: extra }),
    );
  }

  /** Runs set-up: session, ringing, room join, answer. Never throws. */
  async setup(): Promise<void> {
    try {
      this.rtp = await RtpStream.open({
        host: this.env.rtpBindHost,
        portMin: this.env.rtpPortMin,
        portMax: this.env.rtpPortMax,
        clock: this.env.clock,
        events: {
          onAudio: (pcm) => this.bridge?.pushCallerAudio(pcm),
          onDtmf: (ev) => {
            this.log.info({ digit: ev.digit }, 'dtmf');
            this.bridge
              ?.sendDtmf(ev.code, ev.digit)
              .catch((err) => this.log.warn({ err }, 'dtmf not delivered'));
          },
        },
      });
      this.#applyOffer(this.#offer);
      const { admitted } = this;
      let session;
      try {
        session = await startSession(
          { db: this.env.db, orgId: admitted.orgId, scopes: ['voice:write'] },
          this.env.sessions,
          {
            agentId: admitted.agentId,
            metadata: {
              customerPhoneNumber: admitted.callerNumber,
              calledNumber: admitted.calledNumber,
              sipCallId: this.dialog.callId,
            },
          },
          {
            platform: 'PHONE',
            direction: 'INBOUND',
            identity: `sip_${token(6)}`,
            participantName: 'Phone caller',
            kind: 'sip',
            attributes: {
              'sip.callID': this.dialog.callId,
              'sip.callStatus': 'active',
              'sip.phoneNumber': admitted.callerNumber,
              'sip.trunkPhoneNumber': admitted.calledNumber,
              'sip.trunkID': admitted.numberId,
            },
          },
        );
      } catch (err) {
        const { status, reason } = sessionErrorResponse(err);
        if (status === 500) this.log.error({ err }, 'could not start the session');
        else this.log.info({ status, reason }, 'call refused: the agent cannot take calls');
        this.#respond(
          status,
          reason ? [{ name: 'reason', value: `SIP;cause=${status};text="${reason}"` }] : [],
        );
        this.end('setup_failed', { respond: false });
        return;
      }
      this.sessionId = session.id;
      if (this.ended) return void this.#finishSessionNow('caller_hangup');
      this.#respond(180, [this.#contact()]);

      this.bridge = new RoomBridge({
        onAgentAudio: (pcm) => this.rtp?.enqueue(pcm),
        onDisconnected: (reason) => {
          this.log.info({ reason }, 'left the room');
          this.end('room_closed');
        },
      });
      // The room join (~1 s, longer under load) runs while the call is answered: the caller hears
      // the agent as soon as it speaks, and set-up latency stays that of the database.
      const joined = this.bridge.connect(session.serverUrl, session.token);
      joined.catch(() => undefined);
      const delay = admitted.config.answerDelayMs ?? 0;
      if (delay && !this.ended) await new Promise((r) => setTimeout(r, delay));
      if (this.ended) return;
      this.#answer();
      await joined;
    } catch (err) {
      // A call that ended while it was being set up (the caller hung up during the room join) has
      // already been torn down; what failed then is a consequence, not a fault.
      if (this.ended) return void this.log.info({ err: String(err) }, 'call ended during set-up');
      this.log.error({ err }, 'call set-up failed');
      if (this.state === 'ringing')
        this.#respond(503, [{ name: 'reason', value: 'SIP;cause=503;text="media unavailable"' }]);
      this.end('setup_failed', { respond: false });
    }
  }

  #applyOffer(offer: AudioOffer) {
    this.#offer = offer;
    this.rtp?.configure({
      codec: offer.codec,
      payloadType: offer.payloadType,
      dtmfPayloadType: offer.dtmfPayloadType,
      address: offer.address,
      port: offer.port,
      send: offer.direction === 'sendrecv' || offer.direction === 'recvonly',
      receive: offer.direction === 'sendrecv' || offer.direction === 'sendonly',
    });
  }

  #answerSdp(): Buffer {
    return Buffer.from(
      buildAnswer({
        offer: this.#offer,
        host: this.env.publicHost,
        port: this.rtp!.port,
        sessionId: String(Date.now()),
        version: this.#sdpVersion++,
      }),
    );
  }

  #answer() {
    const res = buildResponse(this.invite.request, 200, {
      toTag: this.dialog.localTag,
      headers: [
        this.#contact(),
        { name: 'allow', value: ALLOW },
        { name: 'content-type', value: 'application/sdp' },
      ],
      body: this.#answerSdp(),
    });
    this.invite.respond(res);
    this.answeredAt = Date.now();
    this.state = 'answered';
    this.#reliable = new Reliable2xx(this.dialog.remoteCSeq, res, this.dialog.flow, this.env.timers, () => {
      this.log.warn('no ACK for the 200 OK');
      this.end('no_ack');
    });
    this.rtp!.lastPacketAt = Date.now();
    this.rtp!.start();
    this.#watch = setInterval(() => this.#checkMedia(), 1000);
    this.#watch.unref();
    this.log.info({ sessionId: this.sessionId }, 'call answered');
  }

  #checkMedia() {
    const rtp = this.rtp;
    if (!rtp || this.ended || !rtp.receiving) return;
    if (Date.now() - rtp.lastPacketAt >= this.env.rtpTimeoutMs) {
      this.log.warn({ timeoutMs: this.env.rtpTimeoutMs }, 'no RTP from the caller: hanging up');
      this.end('rtp_timeout');
    }
  }

  /** An ACK for our 2xx (initial or re-INVITE). */
  ack(cseq: number): void {
    if (this.#reliable && this.#reliable.cseq === cseq) this.#reliable.ack();
    if (this.state === 'answered') {
      this.state = 'confirmed';
      this.invite.dispose();
    }
  }

  /** A retransmitted initial INVITE. */
  inviteRetransmitted(): void {
    if (this.#reliable && !this.#reliable.acked) this.#reliable.resend();
    else this.invite.retransmission();
  }

  /** CANCEL of the initial INVITE: true when it still could be cancelled. */
  cancel(): boolean {
    if (this.state !== 'ringing') return false;
    this.#respond(487);
    this.end('cancelled', { respond: false });
    return true;
  }

  /** A re-INVITE (hold, unhold, media change) inside the dialog. */
  reinvite(tx: ServerTransaction): void {
    const req = tx.request;
    if (this.state === 'ringing' || (this.#reliable && !this.#reliable.acked)) {
      tx.respond(buildResponse(req, 491));
      return;
    }
    if (req.body.length) {
      let offer: AudioOffer;
      try {
        offer = parseOffer(req.body.toString('utf8'));
      } catch (err) {
        if (!(err instanceof SdpError)) throw err;
        tx.respond(
          buildResponse(req, 488, { headers: [{ name: 'warning', value: `399 parley "${err.message}"` }] }),
        );
        return;
      }
      const moved = offer.address !== this.#offer.address || offer.port !== this.#offer.port;
      if (moved && offer.address !== '0.0.0.0') this.rtp?.unlatch();
      this.#applyOffer(offer);
      this.log.info({ direction: offer.direction }, 're-INVITE');
    }
    const res = buildResponse(req, 200, {
      headers: [
        this.#contact(),
        { name: 'allow', value: ALLOW },
        { name: 'content-type', value: 'application/sdp' },
      ],
      body: this.#answerSdp(),
    });
    tx.respond(res);
    this.#reliable = new Reliable2xx(this.dialog.remoteCSeq, res, this.dialog.flow, this.env.timers, () =>
      this.end('no_ack'),
    );
    this.state = 'answered';
    const prev = this.invite;
    if (prev !== tx) tx.dispose();
  }

  /** DTMF by SIP INFO (application/dtmf-relay), for trunks that send it that way. */
  info(req: SipRequest): void {
    const m = /Signal\s*=\s*([0-9*#A-D])/i.exec(req.body.toString('latin1'));
    if (!m) return;
    const digit = m[1]!.toUpperCase();
    const code = '0123456789*#ABCD'.indexOf(digit);
    this.bridge?.sendDtmf(code, digit).catch(() => undefined);
  }

  /**
   * Ends the call once: answers or hangs up on the SIP side as the reason requires, leaves the
   * room, closes RTP, and settles the session.
   */
  end(reason: CallEnd, opts: { respond?: boolean } = {}): void {
    if (this.ended) return;
    const wasRinging = this.state === 'ringing';
    this.state = 'ended';
    this.#endReason = reason;
    if (this.#watch) clearInterval(this.#watch);
    this.#reliable?.ack();
    this.log.info(
      { reason, sessionId: this.sessionId, droppedCallerFrames: this.bridge?.droppedCallerFrames },
      'call ended',
    );

    if (wasRinging && opts.respond !== false) {
      this.#respond(reason === 'room_closed' ? 480 : 503);
    } else if (!wasRinging && reason !== 'caller_bye') {
      this.#sendBye(reason);
    }
    this.rtp?.close();
    const bridge = this.bridge;
    const settle = async () => {
      if (reason === 'rtp_timeout' || reason === 'no_ack' || reason === 'shutdown') {
        await this.#finishSessionNow('error');
      }
      await bridge?.close();
      if (reason === 'caller_bye' || reason === 'cancelled') this.#finishSessionLater('caller_hangup');
      else if (reason === 'setup_failed' && this.sessionId) await this.#finishSessionNow('error', 'failed');
    };
    settle()
      .catch((err) => this.log.warn({ err }, 'cleanup failed'))
      .finally(() => this.env.ended(this));
  }

  get endReason(): CallEnd | undefined {
    return this.#endReason;
  }

  #sendBye(reason: CallEnd) {
    const extra: SipHeader[] =
      reason === 'rtp_timeout'
        ? [{ name: 'reason', value: 'SIP;cause=408;text="RTP timeout"' }]
        : reason === 'no_ack'
          ? [{ name: 'reason', value: 'SIP;cause=408;text="no ACK"' }]
          : [];
    const bye = this.dialog.request('BYE', { host: this.env.publicHost, port: this.env.sipPort }, extra);
    void this.env.sendRequest(this, bye).done.then((status) => this.log.info({ status }, 'BYE answered'));
  }

  async #finishSessionNow(endReason: EndReason, status: 'ended' | 'failed' = 'ended'): Promise<void> {
    if (!this.sessionId) return;
    await finishSession(this.env.db, this.sessionId, { status, endReason }).catch((err) =>
      this.log.warn({ err }, 'could not end the session'),
    );
  }

  /**
   * The worker ends the session when it sees the caller leave (with its transcript flushed); this
   * closes it only if no worker did within the grace period (e.g. the agent never joined).
   */
  #finishSessionLater(endReason: EndReason) {
    const t = setTimeout(() => void this.#finishSessionNow(endReason), this.env.finishGraceMs);
    t.unref();
  }
}
