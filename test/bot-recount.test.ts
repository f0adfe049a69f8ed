// The one-off correction of counters that a former version kept with bot clicks in them: links.clicks
// and the monthly usage lose the bots ClickHouse holds from before the start, once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { openChdb, type ClickHouse } from '../src/clicks/client'
import { migrateClickHouse } from '../src/clicks/migrate'
import { insertClicks } from '../src/clicks/pipeline'
import { batchOf } from '../src/clicks/batch'
import type { ClickRow } from '../src/clicks/click-row'
import { takeBotsOutOfCounters } from '../src/clicks/bot-recount'
import { links, usagePeriods } from '../src/db/schema'

let ch: ClickHouse
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kurz-recount-'))
  ch = await openChdb(join(dir, 'clickhouse'))
  await migrateClickHouse(ch, { database: 'default', ttlDays: null })
}, SETUP_TIMEOUT)
afterAll(async () => {
  await ch.close()
  rmSync(dir, { recursive: true, force: true })
})

for (const engine of engines) {
  describe(`bot clicks taken out of the counters on ${engine}`, () => {
    let h: Harness
    beforeAll(async () => { h = await createHarness({ engine }) }, SETUP_TIMEOUT)
    afterAll(() => h.close())

    test('the bots stored before the start are subtracted from the link and the month, once; later ones were never counted', async () => {
      const link = await h.createLink({ url: 'https://example.com/recount' })
      const [{ ownerId }] = await h.deps.db.select({ ownerId: links.userId }).from(links).where(eq(links.id, link.id))
      const ts = Date.UTC(2026, 10, 20, 12)
      const row = (i: number, isBot: 0 | 1, at = ts): ClickRow => ({
        event_id: crypto.randomUUID(), ts: at + i, owner_id: ownerId, link_id: link.id, domain: '', country: '', city: '', device: '',
        browser: '', os: '', referrer_host: '', utm_source: '', utm_medium: '', utm_campaign: '', is_bot: isBot, bot_reason: isBot ? 'user-agent' : '', visitor_hash: i,
      })
      // What the former version left: 4 humans and 2 bots, all 6 counted.
      await insertClicks(ch, batchOf([0, 1, 2, 3].map((i) => row(i, 0)).concat([row(4, 1), row(5, 1)])), `recount-old-${engine}`)
      await h.deps.db.update(links).set({ clicks: 6 }).where(eq(links.id, link.id))
      await h.deps.db.insert(usagePeriods).values({ userId: ownerId, periodStart: '2026-11-01', clicks: 6 })
        .onConflictDoUpdate({ target: [usagePeriods.userId, usagePeriods.periodStart], set: { clicks: 6 } })
      const before = new Date(ts + 60_000)
      // A bot after the start: this version never counted it.
      await insertClicks(ch, batchOf([row(6, 1, ts + 120_000)]), `recount-new-${engine}`)

      const counted = async () => ({
        link: (await h.deps.db.select().from(links).where(eq(links.id, link.id)))[0].clicks,
        month: (await h.deps.db.select().from(usagePeriods).where(and(eq(usagePeriods.userId, ownerId), eq(usagePeriods.periodStart, '2026-11-01'))))[0].clicks,
      })
      expect(await takeBotsOutOfCounters(h.deps.db, ch, before)).toBe(true)
      expect(await counted()).toEqual({ link: 4, month: 4 })
      // Once: another start (or instance) changes nothing.
      expect(await takeBotsOutOfCounters(h.deps.db, ch, new Date())).toBe(false)
      expect(await counted()).toEqual({ link: 4, month: 4 })
    })
  })
}
