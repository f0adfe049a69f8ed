// Opens Postgres (postgres.js) or the embedded PGlite, and applies the committed migrations.
import { join, resolve } from 'node:path'
import { eq, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema'
import { ADVISORY_LOCKS } from './advisory-locks'
import { boundedClient, boundedOptions, reserveWithin, type DbTimeouts } from './bounded'
import { DEFAULT_DB_POOL_SIZE } from '../config'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
/** A transaction or the database itself: services accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db

export type Database = {
  db: Db
  kind: 'postgres' | 'pglite'
  ping(): Promise<void>
  close(): Promise<void>
  /**
   * Runs `fn` with a db whose statements go over one connection, in the order they are issued:
   * those issued together are sent together, without a round trip between them, and run one after
   * the other, each its own transaction (a failed one fails alone). They commit without waiting
   * for the disk each; one flush after the last makes them all durable before `fn`'s result is
   * returned (on PostgreSQL a commit's flush takes every earlier commit with it).
   */
  inOrder<T>(fn: (db: Db) => Promise<T>): Promise<T>
}

const MIGRATIONS = resolve(import.meta.dir, '../../migrations/postgres')
const MIGRATION_LOCK = ADVISORY_LOCKS.migrations
/** A statement that writes WAL and nothing else, for its commit to wait for the disk. */
const FLUSH = "select pg_logical_emit_message(true, 'kurz.flush', '')"

const DEFAULT_TIMEOUTS: DbTimeouts = { statementMs: 5000, connectMs: 3000 }

/**
 * `url` null opens PGlite in `dir` (in memory when `dir` is null), on a thread of its own; it
 * needs no timeouts; PostgreSQL gets `timeouts` on every wait.
 */
export async function openDatabase(opts: { url: string | null; dir: string | null; poolSize?: number; timeouts?: DbTimeouts }): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? DEFAULT_DB_POOL_SIZE, opts.timeouts ?? DEFAULT_TIMEOUTS) : openPglite(opts.dir)
}

async function openPostgres(url: string, max: number, timeouts: DbTimeouts): Promise<Database> {
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  // Migrations run on one dedicated connection holding an advisory lock, so that two instances
  // starting at once apply them one after the other. (No statement timeout here: a migration, or
  // waiting for another instance's, may take long.)
  const lockClient = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: timeouts.connectMs / 1000 })
  try {
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`
    await migrate(drizzle(lockClient), { migrationsFolder: MIGRATIONS })
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`
  } finally {
    await lockClient.end({ timeout: 5 })
  }
  const client = postgres(url, { max, onnotice: () => {}, ...boundedOptions(timeouts) })
  const db = drizzle(boundedClient(client, timeouts.statementMs), { schema }) as unknown as Db
  // (a server that refuses the flush's message gets statements in order each waiting for the disk)
  const canFlush = await boundedClient(client, timeouts.statementMs).unsafe(FLUSH).then(() => true, () => false)
  return {
    db,
    kind: 'postgres',
    ping: async () => void (await boundedClient(client, timeouts.statementMs).unsafe('select 1')),
    close: () => client.end({ timeout: 5 }),
    async inOrder(fn) {
      const reserved = await reserveWithin(client, timeouts.statementMs)
      // (a reserved connection lacks the pool's `options`, where drizzle sets its type parsers: it
      // takes the pool's, which already have them)
      const run = () => fn(drizzle(Object.assign(reserved, { options: client.options }), { schema }) as unknown as Db)
      // Back to the configured level (a server's standbys included), a transaction that writes WAL
      // (a logical message, which nothing reads) waits for the WAL up to its commit: every commit
      // before it included. The pool's next user of the connection gets the configured commits.
      const durable = () => Promise.all([reserved.unsafe('reset synchronous_commit'), reserved.unsafe(FLUSH)])
      try {
        if (!canFlush) return await run()
        // A bulk's thousand commits each waited for the disk (a third of a bulk create). Until the
        // flush, a crash of the server may lose some of them, but none has been answered yet.
        await reserved.unsafe('set synchronous_commit = off')
        // (what a failed call committed is made durable too; its own error is the one that counts,
        // and a connection that cannot run these is broken, and replaced)
        const result = await run().catch(async (e) => { await durable().catch(() => {}); throw e })
        await durable()
        return result
      } finally {
        reserved.release()
      }
    },
  }
}

async function openPglite(dir: string | null): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite')
  const { PgliteThread } = await import('./pglite-remote')
  const thread = await PgliteThread.open(dir, MIGRATIONS)
  const pdb = drizzle(thread.asPglite(), { schema })
  return {
    db: pdb as unknown as Db,
    kind: 'pglite',
    ping: async () => void (await thread.query('select 1')),
    close: () => thread.close(),
    // (PGlite runs statements one at a time, in the order they come)
    inOrder: (fn) => fn(pdb as unknown as Db),
  }
}

export const pgliteDir = (dataDir: string) => join(dataDir, 'pg')

/** Runs `fn` holding a transaction-scoped advisory lock: one runner at a time across instances. */
export async function withXactLock<T>(db: Db, key: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${key})`)
    return fn(tx)
  })
}

/**
 * Locks an account's row until the transaction ends: its creations are serialised, so two at once
 * cannot both pass a count of what it already has.
 */
export async function lockAccount(tx: Tx, userId: string): Promise<void> {
  await tx.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.id, userId)).for('update')
}

/** The rows of a raw `execute`: postgres.js answers an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}
