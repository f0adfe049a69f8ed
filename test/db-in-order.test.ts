// Statements sent together over one connection (a bulk create's) commit without waiting for the
// disk each, and are all durable when the call returns; the connection goes back to the pool with
// the commits its database is configured for, whether the call succeeded or failed.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openDatabase, type Database, type Db } from '../src/db/client'
import { createTestDatabase, SETUP_TIMEOUT } from './support/harness'

const url = process.env.DATABASE_URL
let created: Awaited<ReturnType<typeof createTestDatabase>>
let database: Database

beforeAll(async () => {
  if (!url) return
  created = await createTestDatabase()
  // (a level other than the default, which the connections must keep: 'local' still waits for the disk)
  const admin = postgres(created.url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`alter database ${new URL(created.url).pathname.slice(1)} set synchronous_commit = local`)
  await admin.end()
  // (one connection: the statements after a call run on the connection that call used)
  database = await openDatabase({ url: created.url, dir: null, poolSize: 1 })
  await database.db.execute(sql`create table in_order_probe (n int primary key)`)
}, SETUP_TIMEOUT)
afterAll(async () => {
  await database?.close()
  await created?.drop()
})

const setting = async (db: Db) => {
  const [row] = await db.execute(sql`show synchronous_commit`) as unknown as { synchronous_commit: string }[]
  return row.synchronous_commit
}
const lsn = async (db: Db, of: 'insert' | 'flush') => {
  const [row] = await db.execute(sql.raw(`select pg_current_wal_${of}_lsn() - '0/0'::pg_lsn as at`)) as unknown as { at: string }[]
  return BigInt(row.at)
}

describe.skipIf(!url)('statements in order on PostgreSQL', () => {
  test('commit without waiting each, and are on disk when the call returns', async () => {
    let inside = ''
    let written = 0n
    const n = await database.inOrder(async (db) => {
      inside = await setting(db)
      const inserts = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => db.execute(sql`insert into in_order_probe values (${i})`)))
      written = await lsn(db, 'insert')
      return inserts.filter((r) => r.status === 'fulfilled').length
    })
    expect(inside).toBe('off')
    expect(n).toBe(200)
    // (the WAL up to the last insert's commit is flushed before the call returns)
    expect(await lsn(database.db, 'flush')).toBeGreaterThanOrEqual(written)
    expect(await setting(database.db)).toBe('local')
  })

  test('a failed call hands the connection back with its configured commits', async () => {
    const failed = database.inOrder(async (db) => {
      await db.execute(sql`insert into in_order_probe values (1000)`)
      throw new Error('the caller gave up')
    })
    await failed.then(() => { throw new Error('resolved') }, (e: Error) => expect(e.message).toBe('the caller gave up'))
    expect(await setting(database.db)).toBe('local')
    const [row] = await database.db.execute(sql`select count(*)::int as n from in_order_probe where n = 1000`) as unknown as { n: number }[]
    expect(row.n).toBe(1)
  })
})
