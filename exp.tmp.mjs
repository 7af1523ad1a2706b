import { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
const db = await PGlite.create();
await db.exec('create table t (id int, v text); insert into t values (1,$$a$$),(2,$$b$$)');
const msgs = Buffer.concat([
  serialize.parse({ text: 'select v from t where id = $1', types: [] }),
  serialize.bind({ values: ['2'] }),
  serialize.describe({ type: 'P' }),
  serialize.execute({}),
  serialize.sync(),
]);
let out = [];
await db.execProtocolRawStream(msgs, { onRawData: (d) => out.push(Buffer.from(d)) });
const all = Buffer.concat(out);
let i = 0; const types = [];
while (i < all.length) { types.push(String.fromCharCode(all[i])); i += 1 + all.readInt32BE(i + 1); }
console.log(types.join(' '), all.toString('latin1').includes('b'));
// timing: batched vs per message
const N = 3000;
let t = performance.now();
for (let k = 0; k < N; k++) await db.execProtocolRawStream(msgs, { onRawData: () => {} });
console.log('batched us/query', ((performance.now() - t) * 1000 / N).toFixed(1));
const parts = [serialize.parse({ text: 'select v from t where id = $1', types: [] }), serialize.bind({ values: ['2'] }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()];
t = performance.now();
for (let k = 0; k < N; k++) for (const p of parts) await db.execProtocolRawStream(p, { onRawData: () => {} });
console.log('per-message us/query', ((performance.now() - t) * 1000 / N).toFixed(1));
