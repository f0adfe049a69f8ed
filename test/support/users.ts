// Extra accounts for tests, written straight to the database (plan, role and blocked as asked).
import { users } from '../../src/db/schema'
import { newId, randomBase62 } from '../../src/shared/ids'
import { insertApiKey } from '../../src/keys/secret'
import type { Harness } from './harness'

export async function createUser(h: Harness, opts: { plan?: string; role?: 'USER' | 'ADMIN'; blocked?: boolean } = {}) {
  const id = newId('usr')
  const email = `user-${randomBase62(8).toLowerCase()}@kurz.test`
  await h.deps.db.insert(users).values({
    id, email, name: 'Test user', role: opts.role ?? 'USER', plan: opts.plan ?? 'Free', blocked: opts.blocked ?? false,
    passwordHash: null,
  })
  const { key } = await insertApiKey(h.deps.db, id, 'test')
  return { id, email, key }
}
