// An instance holds at most DB_POOL_SIZE connections to PostgreSQL, however many queries it has
// under way: those that find every connection busy wait for one, or are pipelined on it.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'

const url = process.env.DATABASE_URL
let h: Harness

beforeAll(async () => {
  if (url) h = await createHarness({ engine: 'postgres', env: { DB_POOL_SIZE: '3' } })
}, SETUP_TIMEOUT)
afterAll(async () => {
  await h?.close()
})

test.skipIf(!url)('40 queries at once use DB_POOL_SIZE connections (3), all of them answered', async () => {
  const observer = postgres(h.databaseUrl!, { max: 1, onnotice: () => {} })
  try {
    const database = new URL(h.databaseUrl!).pathname.slice(1)
    // (drizzle's queries start when awaited)
    let done = false
    const all = Promise.all(Array.from({ length: 40 }, (_, i) => h.deps.db.execute(sql`select pg_sleep(0.05), ${i}::int as i`)))
      .finally(() => { done = true })
    // The most connections seen while the queries run (a slow machine may open them late).
    let most = 0
    while (!done) {
      const [{ n }] = await observer`select count(*)::int as n from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
      most = Math.max(most, n)
      await Bun.sleep(20)
    }
    const answered = await all
    expect(answered.map((r) => Number((r as unknown as { i: number }[])[0].i))).toEqual(Array.from({ length: 40 }, (_, i) => i))
    expect(most).toBe(3)
  } finally {
    await observer.end()
  }
}, 60_000)
