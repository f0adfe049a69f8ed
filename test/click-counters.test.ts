// The per-batch click counters in Postgres: what they add, and that adding it stays cheap.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { links } from '../src/db/schema'
import { rowsOf } from '../src/db/client'
import { addClickCounts } from '../src/clicks/counters'
import { newId } from '../src/shared/ids'
import { DEFAULT_PLANS } from '../src/plans/table'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('click counters on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('counting a batch keeps each link row on its page (no new index entries), and adds its clicks', async () => {
    const user = await createUser(h)
    const ids = Array.from({ length: 600 }, () => newId('lnk'))
    await h.deps.db.insert(links).values(ids.map((id, i) => ({
      id, userId: user.id, slug: `ff${i}`, originalUrl: `https://example.com/landing/${i}?utm_source=newsletter`,
    })))
    const pages = async () => new Map(rowsOf<{ id: string; page: number }>(await h.deps.db.execute(sql`
      select id, (ctid::text::point)[0]::int as page from links where user_id = ${user.id}`)).map((r) => [r.id, r.page]))
    const before = await pages()
    // A quarter of the links, as a batch over many hot links touches them: several rows a page.
    const counted = ids.filter((_, i) => i % 4 === 0)
    await addClickCounts(h.deps.db, DEFAULT_PLANS, { counts: counted.map((id) => ({ link_id: id, period: '2026-11-01', n: 2 })) })
    const after = await pages()
    const moved = counted.filter((id) => after.get(id) !== before.get(id))
    // On full pages (fillfactor 100) nearly every updated row moves to another page.
    expect(moved.length).toBeLessThanOrEqual(counted.length * 0.05)
    const clicks = rowsOf<{ n: number }>(await h.deps.db.execute(sql`
      select sum(clicks)::int as n from links where user_id = ${user.id}`))
    expect(clicks[0].n).toBe(counted.length * 2)
  })

  test('a batch given twice with its token (a counters-log replay after a lost answer) is counted once', async () => {
    const user = await createUser(h)
    const id = newId('lnk')
    await h.deps.db.insert(links).values({ id, userId: user.id, slug: `tok-${engine}`, originalUrl: 'https://example.com/' })
    const token = crypto.randomUUID()
    const batch = { counts: [{ link_id: id, period: '2026-11-01', n: 3 }] }
    await addClickCounts(h.deps.db, DEFAULT_PLANS, batch, undefined, token)
    await addClickCounts(h.deps.db, DEFAULT_PLANS, batch, undefined, token)
    await addClickCounts(h.deps.db, DEFAULT_PLANS, batch, undefined, crypto.randomUUID())
    const [row] = rowsOf<{ clicks: number }>(await h.deps.db.execute(sql`select clicks::int as clicks from links where id = ${id}`))
    expect(row.clicks).toBe(6)
  })
})
