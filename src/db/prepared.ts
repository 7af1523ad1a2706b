/**
 * Prepared queries for hot paths: Drizzle builds the SQL once per database handle instead of on
 * every call, and node-postgres parses it once per connection (a named server-side statement).
 * Transactions use the query builder: a prepared query belongs to the pool it was made on.
 */
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client.ts';

/** `build` run once per database handle; statement names must be unique across Parley. */
export function preparedPer<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const byDb = new WeakMap<Db, Q>();
  return (db) => {
    let query = byDb.get(db);
    if (!query) byDb.set(db, (query = build(db)));
    return query;
  };
}

export const isTransaction = (db: Db | Tx): db is Tx => db instanceof PgTransaction;
