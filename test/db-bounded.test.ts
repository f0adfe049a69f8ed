// The bounds around PostgreSQL keep nothing alive: a query's result, once its caller dropped it,
// can be collected before the pool-wait bound's timer fires (an export reads pages of thousands
// of rows a second; each page held for the bound's seconds made its memory grow with the rows).
import { expect, test } from 'bun:test'
import postgres from 'postgres'
import { boundedClient, boundedOptions } from '../src/db/bounded'
import { proxiedTestDatabase } from './support/tcp-proxy'

const url = process.env.DATABASE_URL

test.skipIf(!url)('a finished query\'s result is collectable while its pool-wait timer is still pending', async () => {
  const client = postgres(url!, { max: 1, onnotice: () => {} })
  const sql = boundedClient(client, 600_000)
  try {
    let collected = 0
    const registry = new FinalizationRegistry(() => { collected++ })
    for (let i = 0; i < 20; i++) {
      const rows = await sql.unsafe('select g, repeat($1, 100) as pad from generate_series(1, 2000) g', ['x'])
      expect(rows).toHaveLength(2000)
      registry.register(rows, i)
    }
    for (let i = 0; i < 20 && collected < 10; i++) {
      Bun.gc(true)
      await Bun.sleep(20)
    }
    expect(collected).toBeGreaterThanOrEqual(10)
  } finally {
    await client.end()
  }
})

test.skipIf(!url)('a query still waiting for a connection past the bound is cancelled', async () => {
  const client = postgres(url!, { max: 1, onnotice: () => {} })
  const sql = boundedClient(client, 200)
  try {
    const busy = sql.unsafe('select pg_sleep(1)').execute()
    const queued = sql.unsafe('select 1 as one').execute()
    await expect(queued).rejects.toThrow()
    await busy
    const [row] = await sql.unsafe('select 2 as two')
    expect(row?.two).toBe(2)
  } finally {
    await client.end()
  }
})

test.skipIf(!url)('a connection whose first query was given up while it reconnected still opens once PostgreSQL is back', async () => {
  const db = await proxiedTestDatabase()
  const client = postgres(db.url, { max: 1, onnotice: () => {}, ...boundedOptions({ statementMs: 2000, connectMs: 1000 }) })
  const sql = boundedClient(client, 200)
  try {
    expect((await sql.unsafe('select 1 as one'))[0]?.one).toBe(1)
    db.proxy.cut()
    // Each attempt to reconnect carries the next queued query; some are given up while it waits to retry.
    const given = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => Bun.sleep(i * 50).then(() => sql.unsafe('select 2 as two').execute())))
    expect(given.every((r) => r.status === 'rejected')).toBe(true)
    db.proxy.restore()
    let answer: unknown = null
    for (let i = 0; i < 30 && answer !== 3; i++) {
      answer = await sql.unsafe('select 3 as three').then((rows) => rows[0]?.three, () => null)
      if (answer !== 3) await Bun.sleep(100)
    }
    expect(answer).toBe(3)
  } finally {
    await client.end({ timeout: 1 })
    await db.drop()
  }
}, 30_000)
