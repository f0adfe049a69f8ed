// `bun run admin:reset-password [--email <address>] [--password-stdin]`: sets a new password for an
// admin account in the configured database (DATABASE_URL, or the PGlite under DATA_DIR while no
// server runs on it), and logs out every session of that account. The new password is random and
// printed once, unless --password-stdin reads it from standard input.
import { and, asc, eq } from 'drizzle-orm'
import { ConfigError, loadConfig, type Config } from '../config'
import { openDatabase, pgliteDir, type Db } from '../db/client'
import { databaseFailure } from '../db/startup-failure'
import { users } from '../db/schema'
import { randomBase62 } from '../shared/ids'
import { connectRedis } from '../shared/redis'
import { userEviction } from '../auth/caller-cache'

export class ResetError extends Error {}

/**
 * The admin with `email` (any admin, the oldest, when null) gets `password`; JWTs issued before
 * `now` stop working. API keys are not touched: they are revoked one by one through the API.
 */
export async function resetAdminPassword(db: Db, opts: { email: string | null; password: string; now: Date }): Promise<{ id: string; email: string }> {
  if (opts.password.length < 8 || opts.password.length > 256) throw new ResetError('the password must have 8 to 256 characters')
  const where = opts.email ? and(eq(users.role, 'ADMIN'), eq(users.email, opts.email.trim().toLowerCase())) : eq(users.role, 'ADMIN')
  const [admin] = await db.select({ id: users.id, email: users.email }).from(users).where(where).orderBy(asc(users.createdAt)).limit(1)
  if (!admin) throw new ResetError(opts.email ? `no admin account has the email ${opts.email}` : 'there is no admin account yet (start the server once)')
  const passwordHash = await Bun.password.hash(opts.password, 'argon2id')
  await db.update(users).set({ passwordHash, tokensValidAfter: opts.now, updatedAt: opts.now }).where(eq(users.id, admin.id))
  return admin
}

/** Running instances cache accounts for up to 30 s; with Redis they forget this one at once. */
async function evictEverywhere(config: Config, userId: string): Promise<void> {
  if (!config.redisUrl) return
  const redis = connectRedis(config.redisUrl)
  try {
    const [channel, message] = userEviction(userId)
    for (let i = 0; i < 20 && redis.command.status !== 'ready'; i++) await Bun.sleep(100)
    await redis.command.publish(config.redisPrefix + channel, message)
  } catch {
    console.error('kurz: REDIS_URL: could not tell running instances; the old sessions stop within 30 s')
  } finally {
    redis.command.disconnect()
    redis.subscriber.disconnect()
  }
}

function argValue(args: string[], name: string): string | null {
  const i = args.indexOf(name)
  return i >= 0 && i + 1 < args.length ? args[i + 1] : null
}

async function main(args: string[]): Promise<void> {
  const config = loadConfig()
  const fromStdin = args.includes('--password-stdin')
  const password = fromStdin ? (await Bun.stdin.text()).replace(/\r?\n$/, '') : randomBase62(20)
  const database = await openDatabase({ url: config.databaseUrl, dir: pgliteDir(config.dataDir) }).catch((e) => {
    throw new ResetError(databaseFailure(config, e) ?? String(e))
  })
  try {
    const admin = await resetAdminPassword(database.db, { email: argValue(args, '--email'), password, now: new Date() })
    await evictEverywhere(config, admin.id)
    console.log(`admin account: ${admin.email}`)
    console.log(fromStdin ? 'admin password: changed' : `admin password: ${password}  (shown once)`)
    console.log('every session of this account was logged out; its API keys still work')
  } finally {
    await database.close()
  }
}

if (import.meta.main) {
  await main(process.argv.slice(2)).catch((e) => {
    if (!(e instanceof ResetError || e instanceof ConfigError)) throw e
    console.error(`kurz: ${e instanceof ConfigError ? `configuration error: ${e.message}` : e.message}`)
    process.exit(1)
  })
}
