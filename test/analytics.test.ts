// The analytics API over ranges: zero-filled days, range boundaries, validation, and answers
// without a click store (tests that run on the CountingSink).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, type Harness } from './support/harness'
import { rawClick } from './support/clicks'
import { Enricher } from '../src/clicks/enrich'
import { insertClicks } from '../src/clicks/pipeline'

const DAY = 86_400_000
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

describe('analytics over ranges', () => {
  let h: Harness
  let today: number
  beforeAll(async () => {
    h = await createHarness({ clickhouse: true })
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', slug: 'ranges' } })
    const id: string = r.body.data.id
    const owner = await ownerOf(h, id)
    today = Date.parse(isoDay(Date.now()))
    const enricher = new Enricher('s', null)
    // 1 click today, 2 five days ago, 4 twenty days ago, 8 sixty days ago, 16 two hundred days ago
    const ages = [[0, 1], [5, 2], [20, 4], [60, 8], [200, 16]]
    const clicks = ages.flatMap(([age, n]) => Array.from({ length: n }, (_, i) => rawClick({ linkId: id, ownerId: owner, ts: today - age * DAY + 3_600_000, ip: `10.1.${age}.${i}` })))
    await insertClicks(h.deps.clickhouse!, await enricher.enrichBatch(clicks), 'ranges-seed')
  }, 60_000)
  afterAll(async () => { await h.close() })

  test('each range totals its days and has one zero-filled row per day, ending today', async () => {
    for (const [range, days, total] of [['7d', 7, 3], ['30d', 30, 7], ['90d', 90, 15]] as const) {
      const d = (await h.api('GET', `/api/v1/analytics/overview?range=${range}`)).body.data
      expect(d.summary.totalClicks).toBe(total)
      expect(d.clicksOverTime).toHaveLength(days)
      expect(d.clicksOverTime.at(-1)).toEqual({ date: isoDay(today), clicks: 1 })
      expect(d.clicksOverTime[0].date).toBe(isoDay(today - (days - 1) * DAY))
      expect(d.clicksOverTime.find((r: { date: string }) => r.date === isoDay(today - 5 * DAY)).clicks).toBe(2)
      expect(d.clicksOverTime.filter((r: { clicks: number }) => r.clicks === 0).length).toBe(days - (total === 3 ? 2 : total === 7 ? 3 : 4))
    }
  })

  test('range=all starts at the first click', async () => {
    const d = (await h.api('GET', '/api/v1/analytics/links/ranges?range=all')).body.data
    expect(d.summary.totalClicks).toBe(31)
    expect(d.clicksOverTime).toHaveLength(201)
    expect(d.clicksOverTime[0]).toEqual({ date: isoDay(today - 200 * DAY), clicks: 16 })
    expect((await h.api('GET', '/api/v1/analytics/overview?range=all')).body.data.clicksOverTime).toHaveLength(201)
  })

  test('the account report has the last 12 months, the current one last', async () => {
    const d = (await h.api('GET', '/api/v1/analytics/account')).body.data
    expect(d.months).toHaveLength(12)
    expect(d.months.at(-1).month).toBe(isoDay(Date.now()).slice(0, 7))
    expect(d.months.reduce((n: number, m: { clicks: number }) => n + m.clicks, 0)).toBe(31)
    expect(d.usage).toMatchObject({ linksUsed: 1, clicksUsed: 0 }) // seeded straight into ClickHouse: no counters
  })

  test('a deleted link\'s clicks leave the owner\'s overview: totals, days and top lists', async () => {
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', slug: 'ranges-gone' } })
    const id: string = r.body.data.id
    const owner = await ownerOf(h, id)
    const clicks = Array.from({ length: 6 }, (_, i) => rawClick({ linkId: id, ownerId: owner, ts: today + 3_600_000, ip: `81.2.69.${160 + i}`, referer: 'https://gone.example/' }))
    await insertClicks(h.deps.clickhouse!, await new Enricher('s', null).enrichBatch(clicks), 'ranges-gone-seed')
    const before = (await h.api('GET', '/api/v1/analytics/overview?range=7d')).body.data
    expect(before.summary.totalClicks).toBe(9)
    expect(before.topReferrers.map((x: { name: string }) => x.name)).toContain('gone.example')
    expect((await h.api('DELETE', '/api/v1/links/ranges-gone')).status).toBe(200)
    const after = (await h.api('GET', '/api/v1/analytics/overview?range=7d')).body.data
    expect(after.summary.totalClicks).toBe(3)
    expect(after.clicksOverTime.at(-1)).toEqual({ date: isoDay(today), clicks: 1 })
    expect(after.topReferrers.map((x: { name: string }) => x.name)).not.toContain('gone.example')
    expect(after.topCountries.reduce((n: number, c: { clicks: number }) => n + c.clicks, 0)).toBe(3)
    expect(after.topLinks.map((x: { shortCode: string }) => x.shortCode)).not.toContain('ranges-gone')
  })

  test('an unknown range is a validation error, an unknown link a 404', async () => {
    const bad = await h.api('GET', '/api/v1/analytics/overview?range=5d')
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    expect((await h.api('GET', '/api/v1/analytics/links/nope-nope')).status).toBe(404)
    expect((await h.api('GET', '/api/v1/analytics/overview', { key: null })).status).toBe(401)
  })
})

describe('analytics without a click store', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, 60_000)
  afterAll(async () => { await h.close() })

  test('routes answer zeros, zero-filled, instead of failing', async () => {
    await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', slug: 'nostore' } })
    const o = (await h.api('GET', '/api/v1/analytics/overview?range=30d')).body.data
    expect(o.summary).toEqual({ totalClicks: 0, uniqueClicks: 0, totalLinks: 1, activeLinks: 1 })
    expect(o.clicksOverTime).toHaveLength(30)
    expect((await h.api('GET', '/api/v1/analytics/links/nostore')).status).toBe(200)
    expect((await h.api('GET', '/api/v1/analytics/account')).status).toBe(200)
  })
})

async function ownerOf(h: Harness, linkId: string): Promise<string> {
  const { links } = await import('../src/db/schema')
  const { eq } = await import('drizzle-orm')
  return (await h.deps.db.select().from(links).where(eq(links.id, linkId)))[0].userId
}
