// First start: an admin account and an API key, from ADMIN_* when given, otherwise generated and
// printed once. Safe when several instances start at once.
import { count, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { withXactLock } from '../db/client'
import { ADVISORY_LOCKS } from '../db/advisory-locks'
import { apiKeys, users } from '../db/schema'
import { newId, randomBase62, sha256Hex } from '../shared/ids'
import { insertApiKey } from '../keys/secret'

export async function bootstrap(deps: Deps): Promise<void> {
  const { admin, plans } = deps.config
  const topPlan = plans[plans.length - 1].name
  const printed = await withXactLock(deps.db, ADVISORY_LOCKS.accounts, async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(users)
    const email = admin.email ?? (n === 0 ? 'admin@localhost' : null)
    if (!email) return null
    let [user] = await tx.select().from(users).where(eq(users.email, email))
    let password: string | null = null
    if (!user) {
      if (n !== 0 && !admin.email) return null
      password = admin.password ?? randomBase62(20)
      ;[user] = await tx.insert(users).values({
        id: newId('usr'), email, name: 'Administrator', role: 'ADMIN', plan: topPlan, emailVerified: true,
        passwordHash: await Bun.password.hash(password, 'argon2id'),
      }).returning()
    } else if (user.role !== 'ADMIN') {
      await tx.update(users).set({ role: 'ADMIN' }).where(eq(users.id, user.id))
    }
    let key: string | null = null
    if (admin.apiKey) {
      const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, sha256Hex(admin.apiKey)))
      if (!existing) await insertApiKey(tx, user.id, 'bootstrap', admin.apiKey)
    } else if (password !== null) {
      key = (await insertApiKey(tx, user.id, 'bootstrap')).key
    }
    return password !== null ? { email, password: admin.password ? null : password, key } : null
  })
  if (printed && (printed.password || printed.key)) {
    const lines = [`admin account: ${printed.email}`]
    if (printed.password) lines.push(`admin password: ${printed.password}  (shown once)`)
    if (printed.key) lines.push(`admin API key:  ${printed.key}  (shown once)`)
    console.log(['', '=== Kurz bootstrap ===', ...lines, '======================', ''].join('\n'))
  }
}
