import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema.ts';
import { newId } from '../ids.ts';

/** Finds an organization by name, creating it when absent (CLI bootstrap; no API route). */
export async function ensureOrganization(db: Db, name: string) {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(organizations).where(eq(organizations.name, name));
    if (existing) return { org: existing, created: false };
    const [org] = await tx
      .insert(organizations)
      .values({ id: newId.org(), name })
      .onConflictDoNothing()
      .returning();
    if (org) return { org, created: true };
    const [raced] = await tx.select().from(organizations).where(eq(organizations.name, name));
    return { org: raced!, created: false };
  });
}
