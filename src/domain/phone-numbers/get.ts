import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { phoneNumbers } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { isPlausibleId } from '../ids.ts';

/** The organization's phone number row, or 404. */
export async function loadPhoneNumber(db: Db | Tx, orgId: string, id: string, forUpdate = false) {
  if (!isPlausibleId(id)) throw notFound('Phone number');
  const query = db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.orgId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound('Phone number');
  return row;
}
