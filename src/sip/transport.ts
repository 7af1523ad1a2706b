/**
 * SIP transports: one UDP socket and one TCP listener on the same port. Every message arrives with
 * the flow it came on, and replies go back on that flow (to the datagram's source address, or down
 * the same TCP connection) — the gateway never opens a connection or sends to an address a message
 * names, so it cannot be used as a relay.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { SipParseError } from './message.ts';

/** Where a message came from, and how to answer on the same path. */
export interface Flow {
  transport: 'UDP' | 'TCP';
  address: string;
  port: number;
  /** Sends bytes back on this flow; false when the flow is gone (TCP closed). */
  send(data: Buffer): boolean;
}

/** Largest accepted TCP backlog of unframed bytes before the connection is dropped. */
const MAX_STREAM_BUFFER = 256 * 1024;

/**
 * Splits a TCP byte stream into SIP messages using Content-Length (RFC 3261 §18.3). Throws
 * {@link SipParseError} when the stream cannot be framed (the connection is then closed).
 */
export class StreamFramer {
  #buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      // Skip CRLF keep-alives between messages.
      let start = 0;
      while (start < this.#buf.length && (this.#buf[start] === 0x0d || this.#buf[start] === 0x0a)) start++;
      if (start) this.#buf = this.#buf.subarray(start);
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.#buf.length > MAX_STREAM_BUFFER) throw new SipParseError('header section too long');
        return out;
      }
      const head = this.#buf.subarray(0, end).toString('latin1');
      const m = /(?:^|\r\n)(?:content-length|l)[ \t]*:[ \t]*(\S*)/i.exec(head);
      const len = m ? Number(m[1]) : 0;
      if (!Number.isInteger(len) || len < 0 || len > MAX_STREAM_BUFFER) {
        throw new SipParseError('bad Content-Length on a stream transport');
      }
      const total = end + 4 + len;
      if (this.#buf.length < total) return out;
      out.push(Buffer.from(this.#buf.subarray(0, total)));
      this.#buf = this.#buf.subarray(total);
    }
  }
}

/** The running transports. */
export interface SipTransport {
  port: number;
  close(): Promise<void>;
}

/**
 * Binds UDP and TCP on `port` (0 picks a free port that is free for both) on `host` and hands each
 * datagram or framed TCP message to `onMessage`. Exceptions from the handler are reported to
 * `onError` and never close the transport.
 */
export async function startTransport(opts: {
  host: string;
  port: number;
  onMessage(data: Buffer, flow: Flow): void;
  onError(err: unknown, flow?: Flow): void;
}): Promise<SipTransport> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket({ type: opts.host.includes(':') ? 'udp6' : 'udp4' });
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(opts.port, opts.host, () => resolve(udp.address().port));
    });
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, opts.host, () => resolve(true));
    });
    if (!ok) {
      udp.close();
      if (opts.port !== 0) throw new Error(`SIP: TCP port ${port} is in use`);
      continue;
    }
    wireUdp(udp, opts);
    const connections = new Set<TcpSocket>();
    wireTcp(tcp, connections, opts);
    return {
      port,
      close: async () => {
        for (const c of connections) c.destroy();
        await Promise.all([
          new Promise<void>((r) => udp.close(() => r())),
          new Promise<void>((r) => tcp.close(() => r())),
        ]);
      },
    };
  }
  throw new Error('SIP: could not find a port free for both UDP and TCP');
}

function wireUdp(udp: Socket, opts: Parameters<typeof startTransport>[0]) {
  udp.on('error', (err) => opts.onError(err));
  udp.on('message', (data, rinfo) => {
    const flow: Flow = {
      transport: 'UDP',
      address: rinfo.address,
      port: rinfo.port,
      send: (buf) => {
        udp.send(buf, rinfo.port, rinfo.address, (err) => {
          if (err) opts.onError(err, flow);
        });
        return true;
      },
    };
    try {
      opts.onMessage(data, flow);
    } catch (err) {
      opts.onError(err, flow);
    }
  });
}

function wireTcp(tcp: Server, connections: Set<TcpSocket>, opts: Parameters<typeof startTransport>[0]) {
  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.setNoDelay(true);
    const framer = new StreamFramer();
    const flow: Flow = {
      transport: 'TCP',
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      send: (buf) => {
        if (socket.destroyed || !socket.writable) return false;
        socket.write(buf);
        return true;
      },
    };
    socket.on('data', (chunk) => {
      let frames: Buffer[];
      try {
        frames = framer.push(chunk);
      } catch (err) {
        opts.onError(err, flow);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        try {
          opts.onMessage(frame, flow);
        } catch (err) {
          opts.onError(err, flow);
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
  });
}
