import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { ReadyForQueryTracker, servePglite, type PgliteWireServer } from './pglite-wire.ts';

test('ReadyForQueryTracker follows messages split anywhere across chunks', () => {
  // CommandComplete "SELECT 1", ReadyForQuery 'T', then ReadyForQuery 'I'.
  const tag = Buffer.from('SELECT 1\0');
  const complete = Buffer.concat([Buffer.from([0x43, 0, 0, 0, 4 + tag.length]), tag]);
  const ready = (s: string) => Buffer.from([0x5a, 0, 0, 0, 5, s.charCodeAt(0)]);
  const first = Buffer.concat([complete, ready('T')]);
  const stream = Buffer.concat([first, ready('I')]);
  for (let size = 1; size <= stream.length; size++) {
    const t = new ReadyForQueryTracker();
    for (let i = 0; i < first.length; i += size) t.push(first.subarray(i, Math.min(i + size, first.length)));
    assert.deepEqual([t.readyCount, t.status], [1, 'T'], `chunks of ${size}`);
    for (let i = first.length; i < stream.length; i += size) t.push(stream.subarray(i, i + size));
    assert.deepEqual([t.readyCount, t.status], [2, 'I'], `chunks of ${size}`);
  }
});

/** A bare wire-protocol client, to put one connection's exchange exactly between another's messages. */
class RawClient {
  #socket!: Socket;
  #buffer = Buffer.alloc(0);
  readonly rows: string[] = [];
  readonly errors: string[] = [];
  readyCount = 0;

  async connect(port: number) {
    this.#socket = connect(port, '127.0.0.1');
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    this.#socket.write(startup);
    await this.ready(1);
  }

  #read(chunk: Buffer) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 5 && this.#buffer.length >= 1 + this.#buffer.readInt32BE(1)) {
      const length = 1 + this.#buffer.readInt32BE(1);
      const type = String.fromCharCode(this.#buffer[0]!);
      const body = this.#buffer.subarray(5, length);
      this.#buffer = this.#buffer.subarray(length);
      if (type === 'Z') this.readyCount++;
      if (type === 'D') this.rows.push(body.subarray(6, 6 + body.readInt32BE(2)).toString());
      if (type === 'E') this.errors.push(body.toString().replace(/\0/g, ' '));
    }
  }

  async ready(count: number) {
    const deadline = Date.now() + 5_000;
    while (this.readyCount < count) {
      if (Date.now() > deadline) throw new Error(`no ReadyForQuery #${count} within 5 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  static message(type: string, ...parts: Buffer[]) {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([head, body]);
  }
  static parse = (sql: string) => RawClient.message('P', Buffer.from(`\0${sql}\0`), Buffer.from([0, 0]));
  static bind(param: string) {
    const value = Buffer.from(param);
    const len = Buffer.alloc(4);
    len.writeInt32BE(value.length);
    return RawClient.message(
      'B',
      Buffer.from('\0\0'),
      Buffer.from([0, 0, 0, 1]),
      len,
      value,
      Buffer.from([0, 0]),
    );
  }
  static execute = () => RawClient.message('E', Buffer.from('\0'), Buffer.alloc(4));
  static sync = () => RawClient.message('S');

  send(...messages: Buffer[]) {
    this.#socket.write(Buffer.concat(messages));
  }
  close() {
    this.#socket.destroy();
  }
}

describe('one PGlite served to many node-postgres connections', () => {
  let db: PGlite;
  let server: PgliteWireServer;
  let url: string;
  const pools: pg.Pool[] = [];
  const pool = (max = 8) => {
    const p = new pg.Pool({ connectionString: url, max });
    pools.push(p);
    return p;
  };

  before(async () => {
    db = await PGlite.create();
    server = await servePglite(db, { host: '127.0.0.1', maxConnections: 64 });
    url = `postgres://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`;
    await pool(1).query('create table items (id int primary key, owner text not null)');
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await server.close();
    await db.close();
  });

  test("another connection's exchange waits for the Sync that ends the one under way", async () => {
    const a = new RawClient();
    const b = new RawClient();
    await Promise.all([a.connect(server.port), b.connect(server.port)]);
    try {
      // a: Parse and Bind now, Execute and Sync later. b: a whole exchange in between.
      a.send(RawClient.parse('select ($1::int + 1000)::text as n'), RawClient.bind('1'));
      await new Promise((r) => setTimeout(r, 100));
      b.send(
        RawClient.parse("select $1::text || '-b' as s"),
        RawClient.bind('x'),
        RawClient.execute(),
        RawClient.sync(),
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(b.readyCount, 1, "b's exchange has not run while a's is open");
      a.send(RawClient.execute(), RawClient.sync());
      await Promise.all([a.ready(2), b.ready(2)]);
      assert.deepEqual([a.rows, a.errors], [['1001'], []]);
      assert.deepEqual([b.rows, b.errors], [['x-b'], []]);
    } finally {
      a.close();
      b.close();
    }
  });

  test('concurrent queries, some failing half-way, each get their own results', async () => {
    // A Bind that fails (a NUL byte in a text parameter) leaves the backend skipping messages until
    // the Sync: another connection's exchange must not run in between.
    const pools2 = [pool(8), pool(8)];
    const wrong: string[] = [];
    const unexpected: string[] = [];
    let refused = 0;
    const big = 'x'.repeat(200_000);
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        const p = pools2[w % 2]!;
        for (let i = 0; i < 60; i++) {
          const n = w * 1000 + i;
          try {
            if (w % 4 === 0) {
              await p.query('select $1::text as s', [`bad\u0000${i}`]);
              unexpected.push('a NUL byte was accepted');
            } else if (w % 4 === 1) {
              const r = await p.query('select $1::int as n, $2::text as a, $3::int as m', [n, 'a', n + 1]);
              if (r.rows[0].n !== n || r.rows[0].m !== n + 1) wrong.push(JSON.stringify(r.rows[0]));
            } else {
              const r = await p.query('select $1::int as n, length($2::text) as l', [n, i % 5 ? 'ab' : big]);
              if (r.rows[0].n !== n || r.rows[0].l !== (i % 5 ? 2 : big.length))
                wrong.push(JSON.stringify(r.rows[0]));
            }
          } catch (err) {
            const message = (err as Error).message;
            if (w % 4 === 0 && /invalid byte sequence/.test(message)) refused++;
            else unexpected.push(message);
          }
        }
      }),
    );
    assert.deepEqual(unexpected, []);
    assert.deepEqual(wrong, [], 'every query got its own result');
    assert.equal(refused, 4 * 60, 'every bad parameter was refused with the encoding error');
  });

  test('a transaction keeps the backend: another connection waits, and is not inside it', async () => {
    const a = await pool(1).connect();
    const other = pool(1);
    try {
      await a.query('begin');
      await a.query('insert into items values (1, $1)', ['a']);
      let bDone = false;
      const b = other.query('insert into items values (2, $1)', ['b']).then(() => (bDone = true));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(bDone, false, 'the other connection waits for the transaction to end');
      await a.query('rollback');
      await b;
      const rows = await other.query('select id, owner from items order by id');
      assert.deepEqual(rows.rows, [{ id: 2, owner: 'b' }], "a's insert rolled back, b's kept");
    } finally {
      a.release();
      await pool(1).query('delete from items');
    }
  });

  test('a client that disconnects inside a transaction has it rolled back; others go on', async () => {
    const lone = new pg.Client({ connectionString: url });
    lone.on('error', () => undefined);
    await lone.connect();
    await lone.query('begin');
    await lone.query('insert into items values (3, $1)', ['gone']);
    // Gone without COMMIT or ROLLBACK (a killed process).
    (lone as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const p = pool(2);
    const rows = await p.query('select count(*)::int as n from items where id = 3');
    assert.equal(rows.rows[0].n, 0);
    await p.query('insert into items values (3, $1)', ['kept']);
    assert.equal((await p.query('select owner from items where id = 3')).rows[0].owner, 'kept');
  });

  test("each connection's named statements are its own, and go when it leaves", async () => {
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([a.connect(), b.connect()]);
    // The same names with different SQL on two connections, interleaved; names longer than
    // PostgreSQL keeps must stay distinct too.
    const long = 'x'.repeat(70);
    const runs = [];
    for (let i = 0; i < 20; i++) {
      runs.push(a.query({ name: 'q', text: 'select $1::int + 1 as v', values: [i] }));
      runs.push(b.query({ name: 'q', text: "select 'b' || $1 as v", values: [i] }));
      runs.push(a.query({ name: `${long}1`, text: 'select 1 as v' }));
      runs.push(a.query({ name: `${long}2`, text: 'select 2 as v' }));
    }
    const results = await Promise.all(runs);
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(
        results.slice(i * 4, i * 4 + 4).map((r) => r.rows[0].v),
        [i + 1, `b${i}`, 1, 2],
      );
    }
    const statements = async () =>
      (await b.query('select count(*)::int as n from pg_prepared_statements')).rows[0].n as number;
    assert.equal(await statements(), 4);
    await a.end();
    const deadline = Date.now() + 5_000;
    while ((await statements()) !== 1) {
      if (Date.now() > deadline) throw new Error("a's prepared statements were not closed within 5 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    await b.end();
  });

  test('a result larger than the socket takes at once arrives intact', async () => {
    // About 24 MB: most of it waits in the socket's queue while PGlite goes on producing.
    const p = pool(1);
    const { rows } = await p.query(
      'select i, repeat(md5(i::text), 3000) as body from generate_series(1, 250) as i',
    );
    assert.equal(rows.length, 250);
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    for (const row of rows as { i: number; body: string }[]) {
      assert.equal(row.body, md5(String(row.i)).repeat(3000), `row ${row.i}`);
    }
  });
});
