/**
 * SIP transactions (RFC 3261 §17) for a UAS that also sends its own BYEs:
 *
 * - server INVITE transactions absorb retransmitted INVITEs (the last response is resent),
 *   retransmit non-2xx finals on UDP (Timer G) until the ACK arrives or Timer H fires;
 * - server non-INVITE transactions resend their final response to retransmissions until Timer J;
 * - client non-INVITE transactions (our BYE) retransmit on UDP (Timer E) until a final response or
 *   Timer F.
 *
 * 2xx responses to INVITE are retransmitted by the dialog (§13.3.1.4), not here.
 */
import { header, headers, serializeMessage, type SipRequest, type SipResponse } from './message.ts';
import { parseCSeq, parseVia } from './headers.ts';
import type { Flow } from './transport.ts';

/** RFC 3261 timer base values, in milliseconds. */
export interface SipTimers {
  t1: number;
  t2: number;
  t4: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1: 500, t2: 4000, t4: 5000 };

/**
 * The key that matches a request to its server transaction (§17.2.3): the top Via's branch and
 * sent-by, and the method (ACK and CANCEL are matched to the INVITE by the caller).
 */
export function transactionKey(req: SipRequest, method = req.method): string | undefined {
  const top = header(req, 'via');
  const via = top ? parseVia(top) : undefined;
  if (!via) return undefined;
  const branch = via.params.branch ?? '';
  if (branch.startsWith('z9hG4bK')) return `${branch}|${via.host}:${via.port ?? ''}|${method}`;
  // RFC 2543 peers: fall back to Call-ID, CSeq number and From tag.
  const cseq = parseCSeq(header(req, 'cseq'));
  return `${header(req, 'call-id')}|${cseq?.seq}|${header(req, 'from')}|${headers(req, 'via').join()}|${method}`;
}

/** A server transaction: the request, the flow to answer on and the last response sent. */
export class ServerTransaction {
  lastResponse: Buffer | undefined;
  finalStatus = 0;
  terminated = false;
  #timers: NodeJS.Timeout[] = [];

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly flow: Flow,
    private readonly timers: SipTimers,
    private readonly onTerminated: (tx: ServerTransaction) => void,
  ) {}

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  /** Sends a response; finals start the transaction's completion timers. */
  respond(res: SipResponse): void {
    if (this.terminated || this.finalStatus) return;
    const bytes = serializeMessage(res);
    this.lastResponse = bytes;
    this.flow.send(bytes);
    if (res.status < 200) return;
    this.finalStatus = res.status;
    const reliable = this.flow.transport !== 'UDP';
    if (this.isInvite && res.status < 300) {
      // §17.2.1: a 2xx hands the INVITE to the dialog, which retransmits it until the ACK and then
      // disposes of this transaction (kept until then so retransmitted INVITEs get the 2xx again).
    } else if (this.isInvite) {
      if (!reliable) this.#retransmit(this.timers.t1, bytes);
      this.#after(64 * this.timers.t1, () => this.#terminate()); // Timer H
    } else {
      this.#after(reliable ? 0 : 64 * this.timers.t1, () => this.#terminate()); // Timer J
    }
  }

  /** A retransmitted request arrived: resend the last response, if any. */
  retransmission(): void {
    if (this.lastResponse) this.flow.send(this.lastResponse);
  }

  /** The ACK for a non-2xx final arrived (§17.2.1, Timer I). */
  acked(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.#after(this.flow.transport === 'UDP' ? this.timers.t4 : 0, () => this.#terminate());
  }

  #retransmit(interval: number, bytes: Buffer) {
    this.#after(interval, () => {
      if (this.terminated) return;
      this.flow.send(bytes);
      this.#retransmit(Math.min(interval * 2, this.timers.t2), bytes); // Timer G
    });
  }

  #after(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    t.unref();
    this.#timers.push(t);
  }

  #terminate() {
    if (this.terminated) return;
    this.terminated = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    this.onTerminated(this);
  }

  /** Ends the transaction now (gateway shutdown). */
  dispose(): void {
    this.#terminate();
  }
}

/** A client non-INVITE transaction (§17.1.2): our BYE. Resolves with the final status or 408. */
export function sendNonInvite(flow: Flow, req: SipRequest, timers: SipTimers): ClientTransaction {
  return new ClientTransaction(flow, req, timers);
}

/** See {@link sendNonInvite}. */
export class ClientTransaction {
  readonly key: string;
  readonly done: Promise<number>;
  #resolve!: (status: number) => void;
  #timers: NodeJS.Timeout[] = [];
  #finished = false;

  constructor(flow: Flow, req: SipRequest, timers: SipTimers) {
    this.key = transactionKey(req) ?? '';
    this.done = new Promise((r) => (this.#resolve = r));
    const bytes = serializeMessage(req);
    if (!flow.send(bytes)) {
      this.#finish(503);
      return;
    }
    if (flow.transport === 'UDP') {
      const retransmit = (interval: number) => {
        this.#after(interval, () => {
          flow.send(bytes);
          retransmit(Math.min(interval * 2, timers.t2)); // Timer E
        });
      };
      retransmit(timers.t1);
    }
    this.#after(64 * timers.t1, () => this.#finish(408)); // Timer F
  }

  /** A response matched this transaction. */
  response(status: number): void {
    if (status >= 200) this.#finish(status);
  }

  get finished(): boolean {
    return this.#finished;
  }

  #after(ms: number, fn: () => void) {
    const t = setTimeout(fn, ms);
    t.unref();
    this.#timers.push(t);
  }

  #finish(status: number) {
    if (this.#finished) return;
    this.#finished = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#resolve(status);
  }
}
