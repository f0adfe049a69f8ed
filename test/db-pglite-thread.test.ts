// The embedded PostgreSQL (PGlite) on its own thread: the redirect thread keeps running while it
// works, and through drizzle it behaves as PGlite did in-process (transactions, errors, order).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { openDatabase, rowsOf, type Database } from '../src/db/client'

let database: Database
beforeAll(async () => {
  database = await openDatabase({ url: null, dir: null })
  await database.db.execute(sql.raw('create table thread_probe (id int primary key, note text not null)'))
})
afterAll(() => database?.close())

const notes = async () => rowsOf<{ id: number; note: string }>(await database.db.execute(sql.raw('select id, note from thread_probe order by id')))

describe('the embedded database on its own thread', () => {
  test('a long statement does not stall the redirect thread: its timers keep firing', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    await database.db.execute(sql.raw('select pg_sleep(0.4)'))
    clearInterval(timer)
    // (in-process, PGlite's synchronous WebAssembly held the thread: no tick during the sleep)
    expect(ticks).toBeGreaterThanOrEqual(10)
  })

  test('a transaction that resolves is committed; one that throws is rolled back whole', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`insert into thread_probe values (1, 'kept')`))
    })
    const failed = database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`insert into thread_probe values (2, 'undone')`))
      throw new Error('changed my mind')
    })
    // (not `expect(...).rejects`: it waits without letting the thread's answers in)
    expect(await failed.then(() => null, (e: Error) => e.message)).toBe('changed my mind')
    expect(await notes()).toEqual([{ id: 1, note: 'kept' }])
  })

  test('a statement from outside waits for an open transaction and sees only what it committed', async () => {
    let outside = null as Promise<unknown> | null
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`insert into thread_probe values (3, 'inside')`))
      outside = notes()
      await Bun.sleep(50)
      await tx.execute(sql.raw(`update thread_probe set note = 'committed' where id = 3`))
    })
    expect(await outside).toEqual([{ id: 1, note: 'kept' }, { id: 3, note: 'committed' }])
  })

  test("a database error arrives with PostgreSQL's code and the thread goes on", async () => {
    const duplicate = await database.db.execute(sql.raw(`insert into thread_probe values (1, 'again')`)).then(() => null, (e) => e)
    const pg = duplicate?.cause ?? duplicate
    expect(pg?.code).toBe('23505')
    expect(String(pg?.message)).toContain('duplicate key')
    expect((await notes()).length).toBe(2)
  })

  test('a NOT NULL violation names its column (the monthly limit is told from it)', async () => {
    const missing = await database.db.execute(sql.raw('insert into thread_probe values (9, null)')).then(() => null, (e) => e)
    const pg = missing?.cause ?? missing
    expect(pg?.code).toBe('23502')
    expect(pg?.column).toBe('note')
  })

  test('a nested transaction (a savepoint) rolls back alone', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`insert into thread_probe values (4, 'outer')`))
      await tx.transaction(async (inner) => {
        await inner.execute(sql.raw(`insert into thread_probe values (5, 'inner')`))
        inner.rollback()
      }).catch(() => {})
    })
    expect((await notes()).map((n) => n.id)).toEqual([1, 3, 4])
  })

  test('after close, a statement fails at once instead of hanging', async () => {
    const other = await openDatabase({ url: null, dir: null })
    await other.close()
    const after = await other.db.execute(sql.raw('select 1')).then(() => null, (e: Error) => e)
    expect(after).toBeInstanceOf(Error)
  })
})
