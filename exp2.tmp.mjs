import { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { mkdtempSync } from 'node:fs';
const db = await PGlite.create({ dataDir: mkdtempSync('/tmp/pgl-') });
await db.exec('create table t (id serial, v text); insert into t(v) values ($$a$$),($$b$$)');
const sel = [serialize.parse({ text: 'select v from t where id = $1', types: [] }), serialize.bind({ values: ['2'] }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()];
const ins = [serialize.parse({ text: 'insert into t(v) values ($1)', types: [] }), serialize.bind({ values: ['x'.repeat(300)] }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()];
const N = 3000;
for (const [name, parts] of [['select', sel], ['insert', ins]]) {
  const msgs = Buffer.concat(parts);
  let t = performance.now();
  for (let k = 0; k < N; k++) await db.execProtocolRawStream(msgs, { onRawData: () => {} });
  console.log(name, 'batched us', ((performance.now() - t) * 1000 / N).toFixed(1));
  t = performance.now();
  for (let k = 0; k < N; k++) for (const p of parts) await db.execProtocolRawStream(p, { onRawData: () => {} });
  console.log(name, 'per-message us', ((performance.now() - t) * 1000 / N).toFixed(1));
}
