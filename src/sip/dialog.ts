/**
 * The UAS side of a SIP dialog (RFC 3261 §12): its identifiers, the remote target and route set,
 * CSeq ordering, building our in-dialog requests (BYE), and reliable delivery of 2xx responses to
 * INVITE (§13.3.1.4: retransmitted on UDP until the ACK arrives).
 */
import { randomBytes } from 'node:crypto';
import { parseNameAddr } from './headers.ts';
import {
  header,
  headers,
  serializeMessage,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './message.ts';
import type { SipTimers } from './transaction.ts';
import type { Flow } from './transport.ts';

/** A random token for tags and branches. */
export function token(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

/** The map key of a dialog seen from our side. */
export function dialogKey(callId: string, localTag: string): string {
  return `${callId}|${localTag}`;
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our identity as the INVITE's To, with our tag. */
  readonly localUri: string;
  /** The caller's From, with their tag. */
  readonly remoteUri: string;
  remoteTarget: string;
  /** Record-Route entries as received; our requests carry them as Route (§12.1.1). */
  readonly routeSet: string[];
  remoteCSeq: number;
  #localCSeq = 1;

  constructor(
    invite: SipRequest,
    localTag: string,
    readonly flow: Flow,
  ) {
    this.callId = header(invite, 'call-id')!;
    this.localTag = localTag;
    this.remoteUri = header(invite, 'from')!;
    this.remoteTag = parseNameAddr(this.remoteUri)?.params.tag ?? '';
    const to = header(invite, 'to')!;
    this.localUri = /;\s*tag=/i.test(to) ? to : `${to};tag=${localTag}`;
    const contact = header(invite, 'contact');
    this.remoteTarget = (contact && parseNameAddr(contact)?.uri) || invite.uri;
    this.routeSet = headers(invite, 'record-route');
    this.remoteCSeq = Number(/^\d+/.exec(header(invite, 'cseq') ?? '')?.[0] ?? 0);
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag);
  }

  /**
   * Checks an in-dialog request's CSeq is newer than the last one (§12.2.2) and records it.
   * ACK and CANCEL reuse their INVITE's number and are not checked.
   */
  acceptCSeq(seq: number): boolean {
    if (seq <= this.remoteCSeq) return false;
    this.remoteCSeq = seq;
    return true;
  }

  /** Builds a request inside the dialog, e.g. our BYE. */
  request(method: string, via: { host: string; port: number }, extra: SipHeader[] = []): SipRequest {
    const transport = this.flow.transport;
    const hdrs: SipHeader[] = [
      { name: 'via', value: `SIP/2.0/${transport} ${via.host}:${via.port};branch=z9hG4bK${token()};rport` },
      ...this.routeSet.map((value) => ({ name: 'route', value })),
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: this.localUri },
      { name: 'to', value: this.remoteUri },
      { name: 'call-id', value: this.callId },
      { name: 'cseq', value: `${++this.#localCSeq} ${method}` },
      { name: 'user-agent', value: 'Parley' },
      ...extra,
    ];
    return { kind: 'request', method, uri: this.remoteTarget, headers: hdrs, body: Buffer.alloc(0) };
  }
}

/**
 * Retransmits a 2xx to an INVITE (already sent once by its transaction) on UDP (T1, doubling to
 * T2) until {@link ack}.
 * `onTimeout` runs when no ACK came within 64·T1.
 */
export class Reliable2xx {
  #timers: NodeJS.Timeout[] = [];
  #done = false;
  readonly bytes: Buffer;

  constructor(
    readonly cseq: number,
    response: SipResponse,
    private readonly flow: Flow,
    timers: SipTimers,
    onTimeout: () => void,
  ) {
    this.bytes = serializeMessage(response);
    if (flow.transport === 'UDP') {
      const again = (interval: number) => {
        this.#after(interval, () => {
          flow.send(this.bytes);
          again(Math.min(interval * 2, timers.t2));
        });
      };
      again(timers.t1);
    }
    this.#after(64 * timers.t1, () => {
      if (this.#done) return;
      this.#stop();
      onTimeout();
    });
  }

  /** The INVITE was retransmitted: send the 2xx again. */
  resend(): void {
    if (!this.#done) this.flow.send(this.bytes);
  }

  get acked(): boolean {
    return this.#done;
  }

  ack(): void {
    this.#stop();
  }

  #after(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    t.unref();
    this.#timers.push(t);
  }

  #stop() {
    this.#done = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }
}
