/**
 * The SIP gateway: transports, request validation and dispatch to transactions, dialogs and calls.
 * It answers requests, sends its own BYEs, and nothing else (no proxying, no outbound calls).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { SessionDeps } from '../domain/voice-sessions/create.ts';
import { admit } from './admission.ts';
import { Call, type CallEnv } from './call.ts';
import { DigestAuthenticator } from './digest.ts';
import { dialogKey } from './dialog.ts';
import { parseCSeq, parseVia, tagOf } from './headers.ts';
import {
  buildResponse,
  header,
  parseMessage,
  serializeMessage,
  SipParseError,
  type SipRequest,
  type SipResponse,
} from './message.ts';
import { MediaClock } from './rtp/clock.ts';
import { parseOffer, SdpError } from './sdp.ts';
import {
  ClientTransaction,
  DEFAULT_TIMERS,
  ServerTransaction,
  transactionKey,
  type SipTimers,
} from './transaction.ts';
import { startTransport, type Flow } from './transport.ts';
import { parseCidrList } from './trust.ts';

/** Gateway settings (from the `SIP_*` configuration). */
export interface SipGatewayOptions {
  db: Db;
  sessions: SessionDeps;
  logger: Logger;
  host: string;
  port: number;
  publicHost: string;
  trustedCidrs: string;
  maxCalls: number;
  rtpPortMin?: number;
  rtpPortMax?: number;
  rtpTimeoutMs?: number;
  defaultCountryCode?: string;
  timers?: SipTimers;
  finishGraceMs?: number;
}

/** A running gateway. */
export interface SipGateway {
  port: number;
  /** Live calls (for tests and the benchmark). */
  calls(): Call[];
  close(): Promise<void>;
}

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO';
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'];

/** Starts the gateway on UDP and TCP. */
export async function startSipGateway(opts: SipGatewayOptions): Promise<SipGateway> {
  const log = opts.logger;
  const trusted = parseCidrList(opts.trustedCidrs);
  const timers = opts.timers ?? DEFAULT_TIMERS;
  const digest = new DigestAuthenticator();
  const clock = new MediaClock();
  const serverTx = new Map<string, ServerTransaction>();
  const clientTx = new Map<string, ClientTransaction>();
  const calls = new Map<string, Call>(); // by dialog key
  const callsByInvite = new Map<string, Call>(); // by INVITE transaction key

  const newServerTx = (key: string, req: SipRequest, flow: Flow) => {
    const tx = new ServerTransaction(key, req, flow, timers, (t) => {
      if (serverTx.get(t.key) === t) serverTx.delete(t.key);
    });
    serverTx.set(key, tx);
    return tx;
  };

  const env: CallEnv = {
    db: opts.db,
    sessions: opts.sessions,
    timers,
    clock,
    publicHost: opts.publicHost,
    sipPort: 0,
    rtpBindHost: opts.host.includes(':') ? '::' : '0.0.0.0',
    rtpPortMin: opts.rtpPortMin ?? 0,
    rtpPortMax: opts.rtpPortMax ?? 0,
    rtpTimeoutMs: opts.rtpTimeoutMs ?? 30_000,
    finishGraceMs: opts.finishGraceMs ?? 10_000,
    logger: log,
    sendRequest(call, req) {
      const tx = new ClientTransaction(call.dialog.flow, req, timers);
      clientTx.set(tx.key, tx);
      void tx.done.then(() => clientTx.delete(tx.key));
      return tx;
    },
    ended(call) {
      calls.delete(call.dialog.key);
      callsByInvite.delete(call.invite.key);
      call.invite.dispose();
    },
  };

  const send = (flow: Flow, res: SipResponse) => flow.send(serializeMessage(res));

  function onResponse(res: SipResponse) {
    const top = header(res, 'via');
    const via = top ? parseVia(top) : undefined;
    const cseq = parseCSeq(header(res, 'cseq'));
    if (!via || !cseq) return;
    const key = `${via.params.branch}|${via.host}:${via.port ?? ''}|${cseq.method}`;
    clientTx.get(key)?.response(res.status);
  }

  function onRequest(req: SipRequest, flow: Flow) {
    for (const name of REQUIRED) {
      if (!header(req, name)) return send(flow, buildResponse(req, 400, { reason: `Missing ${name}` }));
    }
    const cseq = parseCSeq(header(req, 'cseq'));
    if (!cseq || (cseq.method !== req.method && req.method !== 'ACK' && req.method !== 'CANCEL')) {
      if (req.method === 'ACK') return;
      return send(flow, buildResponse(req, 400, { reason: 'Bad CSeq' }));
    }
    const maxForwards = header(req, 'max-forwards');
    if (maxForwards !== undefined && !/^\d+$/.test(maxForwards)) return send(flow, buildResponse(req, 400));
    if (maxForwards === '0' && req.method !== 'ACK') return send(flow, buildResponse(req, 483));

    const key = transactionKey(req);
    if (!key)
      return req.method === 'ACK' ? undefined : send(flow, buildResponse(req, 400, { reason: 'Bad Via' }));
    const toTag = tagOf(header(req, 'to'));
    const callId = header(req, 'call-id')!;

    if (req.method === 'ACK') {
      const call = toTag ? calls.get(dialogKey(callId, toTag)) : undefined;
      if (call) return call.ack(cseq.seq);
      serverTx.get(transactionKey(req, 'INVITE')!)?.acked(); // ACK of a non-2xx final
      return;
    }
    if (req.method === 'CANCEL') {
      const inviteKey = transactionKey(req, 'INVITE')!;
      const inviteTx = serverTx.get(inviteKey);
      if (!inviteTx) return send(flow, buildResponse(req, 481));
      send(flow, buildResponse(req, 200));
      const call = callsByInvite.get(inviteKey);
      if (call) call.cancel();
      else if (!inviteTx.finalStatus)
        inviteTx.respond(buildResponse(inviteTx.request, 487, { toTag: 'cancelled' }));
      return;
    }

    const existing = serverTx.get(key);
    if (existing) {
      const call = req.method === 'INVITE' ? callsByInvite.get(key) : undefined;
      if (call) call.inviteRetransmitted();
      else existing.retransmission();
      return;
    }
    const tx = newServerTx(key, req, flow);

    const unsupported = header(req, 'require');
    if (unsupported) {
      return tx.respond(buildResponse(req, 420, { headers: [{ name: 'unsupported', value: unsupported }] }));
    }

    if (toTag) return inDialog(req, tx, toTag, cseq.seq);
    switch (req.method) {
      case 'INVITE':
        return void newCall(tx);
      case 'OPTIONS':
        return tx.respond(
          buildResponse(req, 200, {
            toTag: 'options',
            headers: [
              { name: 'allow', value: ALLOW },
              { name: 'accept', value: 'application/sdp' },
            ],
          }),
        );
      case 'BYE':
      case 'INFO':
        return tx.respond(buildResponse(req, 481));
      default:
        return tx.respond(buildResponse(req, 405, { headers: [{ name: 'allow', value: ALLOW }] }));
    }
  }

  function inDialog(req: SipRequest, tx: ServerTransaction, toTag: string, seq: number) {
    const call = calls.get(dialogKey(header(req, 'call-id')!, toTag));
    if (!call || call.ended || tagOf(header(req, 'from')) !== call.dialog.remoteTag) {
      return tx.respond(buildResponse(req, 481));
    }
    if (!call.dialog.acceptCSeq(seq)) {
      // A re-INVITE retransmitted after its transaction ended (2xx responses end INVITE server
      // transactions at once, §17.2.1): the dialog is already retransmitting the 2xx until the ACK.
      if (req.method === 'INVITE' && seq === call.dialog.remoteCSeq) return;
      return tx.respond(buildResponse(req, 500, { reason: 'CSeq out of order' }));
    }
    switch (req.method) {
      case 'BYE':
        tx.respond(buildResponse(req, 200));
        return call.end('caller_bye');
      case 'INVITE':
        return call.reinvite(tx);
      case 'INFO':
        call.info(req);
        return tx.respond(buildResponse(req, 200));
      case 'OPTIONS':
        return tx.respond(buildResponse(req, 200, { headers: [{ name: 'allow', value: ALLOW }] }));
      default:
        return tx.respond(buildResponse(req, 405, { headers: [{ name: 'allow', value: ALLOW }] }));
    }
  }

  async function newCall(tx: ServerTransaction) {
    const req = tx.request;
    tx.respond(buildResponse(req, 100));
    const refuse = (status: number, extra: { name: string; value: string }[] = []) =>
      tx.respond(buildResponse(req, status, { toTag: 'refused', headers: extra }));
    let decision;
    try {
      decision = await admit(
        {
          db: opts.db,
          trusted,
          digest,
          defaultCountryCode: opts.defaultCountryCode ?? '1',
          maxCalls: opts.maxCalls,
          activeCalls: () => calls.size,
          activeCallsFor: (numberId) =>
            [...calls.values()].filter((c) => c.admitted.numberId === numberId).length,
        },
        req,
        tx.flow.address,
      );
    } catch (err) {
      log.error({ err }, 'admission failed');
      return refuse(500);
    }
    if (tx.finalStatus) return; // cancelled while looking the number up
    if (!decision.ok) {
      const level = decision.status === 403 ? 'warn' : 'info';
      log[level](
        {
          status: decision.status,
          source: `${tx.flow.address}:${tx.flow.port}`,
          transport: tx.flow.transport,
          pii: { requestUri: req.uri },
        },
        `INVITE refused: ${decision.log}`,
      );
      return refuse(decision.status, decision.headers);
    }
    let offer;
    try {
      if (!/application\/sdp/i.test(header(req, 'content-type') ?? '') || !req.body.length) {
        throw new SdpError('an SDP offer is required');
      }
      offer = parseOffer(req.body.toString('utf8'));
    } catch (err) {
      if (!(err instanceof SdpError)) throw err;
      return refuse(488, [{ name: 'warning', value: `399 parley "${err.message}"` }]);
    }
    const call = new Call(env, tx, decision, offer);
    calls.set(call.dialog.key, call);
    callsByInvite.set(tx.key, call);
    call.log.info(
      {
        transport: tx.flow.transport,
        pii: { customerPhoneNumber: decision.callerNumber, calledNumber: decision.calledNumber },
      },
      'incoming call',
    );
    await call.setup();
  }

  const transport = await startTransport({
    host: opts.host,
    port: opts.port,
    onMessage(data, flow) {
      let msg;
      try {
        msg = parseMessage(data);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
        answerUnparseable(data, flow);
        return;
      }
      if (msg.kind === 'response') onResponse(msg);
      else onRequest(msg, flow);
    },
    onError(err, flow) {
      log.warn({ err, source: flow ? `${flow.address}:${flow.port}` : undefined }, 'SIP transport error');
    },
  });
  env.sipPort = transport.port;

  return {
    port: transport.port,
    calls: () => [...calls.values()],
    async close() {
      for (const call of calls.values()) call.end('shutdown');
      // Give the BYEs a moment to leave before the sockets close.
      if (calls.size) await new Promise((r) => setTimeout(r, 200));
      for (const tx of serverTx.values()) tx.dispose();
      await transport.close();
    },
  };
}

/**
 * A message that does not parse gets a 400 only when it looks like a request with the headers a
 * response needs (RFC 3261 §16.3 style tolerance); anything else is dropped.
 */
function answerUnparseable(data: Buffer, flow: Flow) {
  const text = data.subarray(0, 8192).toString('latin1');
  const start = /^([A-Z]+) \S+ SIP\/2\.0\r?\n/.exec(text);
  if (!start || start[1] === 'ACK') return;
  const pick = (re: RegExp) => re.exec(text)?.[0]?.replace(/\r?\n$/, '');
  const lines = [
    pick(/^(?:via|v)[ \t]*:[^\r\n]*/im),
    pick(/^(?:from|f)[ \t]*:[^\r\n]*/im),
    pick(/^(?:to|t)[ \t]*:[^\r\n]*/im),
    pick(/^(?:call-id|i)[ \t]*:[^\r\n]*/im),
    pick(/^cseq[ \t]*:[^\r\n]*/im),
  ];
  if (lines.some((l) => !l)) return;
  flow.send(
    Buffer.from(`SIP/2.0 400 Bad Request\r\n${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'latin1'),
  );
}
