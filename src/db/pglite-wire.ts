/**
 * Serves one PGlite database over the PostgreSQL wire protocol to many node-postgres connections.
 *
 * PGlite is a single backend: every connection's messages run through the same session, one at a
 * time. The extended query protocol is stateful between messages (Parse, Bind, Execute and Sync
 * share the unnamed statement and portal; an error skips everything up to the Sync; a transaction
 * spans many queries), so messages of different connections must never interleave inside one such
 * exchange. Here a connection owns the backend from its first message until PGlite answers with
 * ReadyForQuery in the idle state: until the Sync (or simple Query) that ends the exchange, and,
 * when that leaves a transaction open, until the transaction ends. Other connections queue, in
 * arrival order. The messages of one arrival (node-postgres sends Parse, Bind, Describe, Execute and
 * Sync together) go to PGlite as one call, and their replies leave in one write. A connection that
 * goes away while it owns the backend has its exchange closed (Sync) and its transaction rolled
 * back before the next one runs.
 *
 * Named prepared statements (node-postgres's `{ name }` queries) belong to a session in PostgreSQL,
 * but here every connection shares PGlite's one session, so each connection's statement names are
 * rewritten into its own namespace in Parse, Bind, Describe and Close, and its statements are
 * closed when it goes away. (Statements made with SQL `PREPARE` are not rewritten.)
 *
 * (`@electric-sql/pglite-socket` queues message by message and only keeps transactions together,
 * so under concurrency one connection's Bind could land on another's Parse: wrong results, or
 * errors such as `portal "" does not exist`.)
 */
import type { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
/** PostgreSQL truncates longer identifiers (NAMEDATALEN − 1 bytes). */
const MAX_NAME_BYTES = 63;
/** The largest message a client may send (PostgreSQL's own limit is 1 GiB). */
const MAX_MESSAGE = 256 * 1024 * 1024;

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

function message(type: number, body: Buffer): Buffer {
  const msg = Buffer.alloc(5 + body.length);
  msg[0] = type;
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

const simpleQuery = (sql: string) => message(0x51 /* 'Q' */, Buffer.from(`${sql}\0`, 'utf8'));

/** Close of prepared statement `name`, then Sync. */
function closeStatements(names: Iterable<string>): Uint8Array {
  const closes = [...names].map((n) => message(CLOSE, Buffer.from(`S${n}\0`, 'utf8')));
  return Buffer.concat([...closes, SYNC]);
}

/**
 * Moves the statement names of one connection's messages into its own namespace: `prefix` +
 * name, or prefix + a digest when that would be longer than PostgreSQL keeps. The unnamed
 * statement is shared by design (an exchange owns the backend until its Sync) and is left alone.
 */
class StatementNames {
  /** The backend names of the statements this connection has parsed. */
  readonly parsed = new Set<string>();

  constructor(private readonly prefix: string) {}

  backendName(name: string): string {
    const renamed = `${this.prefix}${name}`;
    if (Buffer.byteLength(renamed) <= MAX_NAME_BYTES) return renamed;
    return `${this.prefix}${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
  }

  /** `msg` with its statement name rewritten, or `msg` itself when it names none. */
  rewrite(msg: Buffer): Buffer {
    const type = msg[0];
    if (type === PARSE) return this.#renameAt(msg, 5, true);
    if (type === BIND) return this.#renameAt(msg, msg.indexOf(0, 5) + 1, false);
    if ((type === DESCRIBE || type === CLOSE) && msg[5] === 0x53 /* 'S' */)
      return this.#renameAt(msg, 6, false);
    return msg;
  }

  #renameAt(msg: Buffer, start: number, parses: boolean): Buffer {
    const end = msg.indexOf(0, start);
    if (start <= 0 || end < 0) return msg; // malformed: PGlite reports it
    if (end === start) return msg; // the unnamed statement
    const name = this.backendName(msg.toString('utf8', start, end));
    if (parses) this.parsed.add(name);
    return message(
      msg[0]!,
      Buffer.concat([msg.subarray(5, start), Buffer.from(name, 'utf8'), msg.subarray(end)]),
    );
  }
}

/**
 * Follows the backend's output message by message (chunks may split messages anywhere): counts the
 * ReadyForQuery messages and keeps the transaction status of the last one (`I` idle, `T` in a
 * transaction, `E` in a failed transaction).
 */
export class ReadyForQueryTracker {
  status: 'I' | 'T' | 'E' | undefined;
  readyCount = 0;
  #header: number[] = [];
  #remaining = 0;
  #inReady = false;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        if (this.#inReady) {
          this.status = String.fromCharCode(chunk[i]!) as 'I' | 'T' | 'E';
          this.readyCount++;
          this.#inReady = false;
        }
        const n = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= n;
        i += n;
        continue;
      }
      this.#header.push(chunk[i++]!);
      if (this.#header.length === 5) {
        const [type, a, b, c, d] = this.#header as [number, number, number, number, number];
        this.#remaining = (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) - 4;
        this.#inReady = type === READY_FOR_QUERY && this.#remaining > 0;
        this.#header = [];
      }
    }
  }
}

/** Hands the backend to one connection at a time (see the module comment). */
class BackendTurns {
  #owner: Connection | undefined;
  readonly #waiting: { conn: Connection; grant: (granted: boolean) => void }[] = [];

  /** Resolves true once `conn` owns the backend, false if it was forgotten while waiting. */
  acquire(conn: Connection): Promise<boolean> {
    if (this.#owner === conn) return Promise.resolve(true);
    if (!this.#owner) {
      this.#owner = conn;
      return Promise.resolve(true);
    }
    return new Promise((grant) => this.#waiting.push({ conn, grant }));
  }

  owns(conn: Connection): boolean {
    return this.#owner === conn;
  }

  release(conn: Connection): void {
    if (this.#owner !== conn) return;
    const next = this.#waiting.shift();
    this.#owner = next?.conn;
    next?.grant(true);
  }

  /** Drops a connection that is waiting for its turn. */
  forget(conn: Connection): void {
    const i = this.#waiting.findIndex((w) => w.conn === conn);
    if (i >= 0) this.#waiting.splice(i, 1)[0]!.grant(false);
  }
}

type Incoming =
  | { kind: 'startup'; bytes: Buffer }
  | { kind: 'ssl' }
  | { kind: 'cancel' }
  | { kind: 'message'; type: number; bytes: Buffer };

/** What a connection runs, in order: messages that arrived together go to PGlite as one call. */
type Work =
  Exclude<Incoming, { kind: 'message' }> | { kind: 'terminate' } | { kind: 'messages'; bytes: Buffer };

let connectionSerial = 0;

class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #names = new StatementNames(`c${++connectionSerial}_`);
  #started = false;
  #closed = false;
  #chain: Promise<void> = Promise.resolve();
  readonly #tracker = new ReadyForQueryTracker();

  constructor(
    private readonly socket: Socket,
    private readonly db: PGlite,
    private readonly turns: BackendTurns,
    private readonly onError: (err: unknown) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => undefined); // a client that vanished; 'close' follows
    socket.on('close', () => this.#closeDown());
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let queued = 0;
    const enqueue = (item: Work) => {
      queued++;
      this.#chain = this.#chain.then(() => this.#handle(item)).catch((err: unknown) => this.#fail(err));
    };
    // Messages that arrived together run as one call into PGlite.
    const batch: Buffer[] = [];
    const flushBatch = () => {
      if (batch.length === 0) return;
      enqueue({ kind: 'messages', bytes: batch.length === 1 ? batch[0]! : Buffer.concat(batch) });
      batch.length = 0;
    };
    for (;;) {
      let incoming: Incoming | undefined;
      try {
        incoming = this.#next();
      } catch (err) {
        this.#fail(err);
        break;
      }
      if (!incoming) break;
      if (incoming.kind === 'message' && incoming.type !== TERMINATE) {
        batch.push(this.#names.rewrite(incoming.bytes));
        continue;
      }
      flushBatch();
      enqueue(incoming.kind === 'message' ? { kind: 'terminate' } : incoming);
    }
    flushBatch();
    if (queued === 0) return;
    // The replies to what arrived together (Parse, Bind, Describe, Execute, Sync) leave in one write.
    this.socket.cork();
    this.#chain = this.#chain.finally(() => this.socket.uncork());
  }

  /** The next whole message in the buffer; startup-phase messages have no type byte. */
  #next(): Incoming | undefined {
    if (!this.#started) {
      if (this.#buffer.length < 8) return undefined;
      const length = this.#buffer.readInt32BE(0);
      if (length < 8 || length > 10_000) throw new Error(`bad startup message length ${length}`);
      if (this.#buffer.length < length) return undefined;
      const bytes = this.#take(length);
      const code = bytes.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'ssl' };
      if (code === CANCEL_REQUEST) return { kind: 'cancel' };
      if (code !== PROTOCOL_3) throw new Error(`unsupported protocol ${code}`);
      this.#started = true;
      return { kind: 'startup', bytes };
    }
    if (this.#buffer.length < 5) return undefined;
    const length = 1 + this.#buffer.readInt32BE(1);
    if (length < 5 || length > MAX_MESSAGE) throw new Error(`bad message length ${length}`);
    if (this.#buffer.length < length) return undefined;
    const bytes = this.#take(length);
    return { kind: 'message', type: bytes[0]!, bytes };
  }

  #take(length: number): Buffer {
    // A copy: the socket's chunk is not ours to keep, and PGlite reads the bytes later.
    const bytes = Buffer.from(this.#buffer.subarray(0, length));
    this.#buffer = this.#buffer.subarray(length);
    return bytes;
  }

  async #handle(work: Work): Promise<void> {
    if (this.#closed) return;
    if (work.kind === 'ssl') return void this.socket.write('N');
    // PGlite runs one statement at a time and cannot interrupt it: cancelling is not supported.
    if (work.kind === 'cancel') return void this.socket.destroy();
    if (work.kind === 'terminate') return void this.socket.end();
    if (!(await this.turns.acquire(this))) return;
    if (this.#closed) return; // #closeDown gives the backend back
    const ready = this.#tracker.readyCount;
    await this.#exec(work.bytes, (data) => {
      // A copy: `data` is a view of PGlite's memory, reused before a corked write goes out.
      if (this.socket.writable) this.socket.write(Buffer.from(data));
    });
    // ReadyForQuery in the idle state ends this connection's turn.
    if (this.#tracker.readyCount > ready && this.#tracker.status === 'I') this.turns.release(this);
  }

  #exec(message: Uint8Array, onData: (data: Uint8Array) => void): Promise<void> {
    return this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          this.#tracker.push(data);
          onData(data);
        },
      }),
    );
  }

  #fail(err: unknown): void {
    this.onError(err);
    this.socket.destroy();
  }

  /**
   * The client left: give the backend back clean (no half exchange, no open transaction, none of
   * its prepared statements).
   */
  #closeDown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.turns.forget(this);
    this.#chain = this.#chain
      .then(async () => {
        if (this.turns.owns(this)) {
          await this.#exec(SYNC, () => undefined);
          if (this.#tracker.status !== 'I') await this.#exec(simpleQuery('ROLLBACK'), () => undefined);
        }
        // Its prepared statements go too; an idle connection waits for a turn to close them.
        if (!this.#names.parsed.size || !(await this.turns.acquire(this))) return;
        await this.#exec(closeStatements(this.#names.parsed), () => undefined);
      })
      .catch((err: unknown) => this.onError(err))
      .finally(() => this.turns.release(this));
  }
}

export interface PgliteWireServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `db` on `host`, on an ephemeral port; `onError` hears connection-level failures. */
export async function servePglite(
  db: PGlite,
  opts: { host: string; maxConnections: number; onError?: (err: unknown) => void },
): Promise<PgliteWireServer> {
  const turns = new BackendTurns();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, db, turns, opts.onError ?? (() => undefined));
  });
  server.maxConnections = opts.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the database server has no port');
  return {
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
