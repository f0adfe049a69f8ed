// Days in the viewer's time zone: `tz` moves a click to the calendar day it fell on there, for the
// overview and for one link, with the same zero-filled range ending on that zone's today.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, type Harness } from './support/harness'
import { rawClick } from './support/clicks'
import { Enricher } from '../src/clicks/enrich'
import { insertClicks } from '../src/clicks/pipeline'

const DAY = 86_400_000
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10)
const dayIn = (t: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t)
type Row = { date: string; clicks: number }
const on = (series: Row[], date: string) => series.find((r) => r.date === date)?.clicks

describe('analytics in a time zone', () => {
  let h: Harness
  const midnight = Date.parse(utcDay(Date.now()))
  // 23:30 UTC three days ago: the next day at UTC+14 (Kiritimati), the same day at UTC-8 (Los Angeles in winter: PST).
  const late = midnight - 3 * DAY + 23.5 * 3_600_000
  // 05:00 UTC two days ago: the same day at UTC+14, the day before in Los Angeles.
  const early = midnight - 2 * DAY + 5 * 3_600_000

  beforeAll(async () => {
    h = await createHarness({ clickhouse: true })
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', slug: 'zones' } })
    const { links } = await import('../src/db/schema')
    const { eq } = await import('drizzle-orm')
    const owner = (await h.deps.db.select().from(links).where(eq(links.id, r.body.data.id)))[0].userId
    const clicks = [late, early].map((ts, i) => rawClick({ linkId: r.body.data.id, ownerId: owner, ts, ip: `10.9.0.${i}` }))
    await insertClicks(h.deps.clickhouse!, await new Enricher('s', null).enrichBatch(clicks), 'zones-seed')
  }, 60_000)
  afterAll(async () => { await h.close() })

  for (const route of ['/api/v1/analytics/overview', '/api/v1/analytics/links/zones']) {
    test(`${route}: a click late in the UTC day counts on the next day at UTC+14, and the range ends on that zone's today`, async () => {
      const utc = (await h.api('GET', `${route}?range=7d`)).body.data
      expect(on(utc.clicksOverTime, utcDay(late))).toBe(1)
      expect(on(utc.clicksOverTime, utcDay(early))).toBe(1)

      const zone = 'Pacific/Kiritimati'
      const r = await h.api('GET', `${route}?range=7d&tz=${encodeURIComponent(zone)}`)
      expect(r.status).toBe(200)
      const series: Row[] = r.body.data.clicksOverTime
      expect(series).toHaveLength(7)
      expect(series.at(-1)!.date).toBe(dayIn(Date.now(), zone))
      expect(dayIn(late, zone)).toBe(utcDay(early))
      expect(on(series, utcDay(early))).toBe(2)
      expect(on(series, utcDay(late))).toBe(0)
      expect(r.body.data.summary.totalClicks).toBe(2)
      expect(r.body.data.byTrigger.find((t: { name: string }) => t.name === 'link').clicks).toBe(2)
    })
  }

  test('west of UTC, an early click counts on the day before', async () => {
    const zone = 'America/Los_Angeles'
    const series: Row[] = (await h.api('GET', `/api/v1/analytics/overview?range=7d&tz=${encodeURIComponent(zone)}`)).body.data.clicksOverTime
    expect(on(series, dayIn(early, zone))).toBe(dayIn(early, zone) === dayIn(late, zone) ? 2 : 1)
    expect(dayIn(early, zone)).toBe(utcDay(early - DAY))
  })

  test('range=all starts on the first click\'s day in the zone', async () => {
    const zone = 'Pacific/Kiritimati'
    const series: Row[] = (await h.api('GET', `/api/v1/analytics/overview?range=all&tz=${encodeURIComponent(zone)}`)).body.data.clicksOverTime
    expect(series[0]).toEqual({ date: dayIn(late, zone), clicks: 2 })
    expect(series.at(-1)!.date).toBe(dayIn(Date.now(), zone))
  })

  test('UTC by name answers as no zone at all', async () => {
    const plain = (await h.api('GET', '/api/v1/analytics/overview?range=30d')).body.data
    const utc = (await h.api('GET', '/api/v1/analytics/overview?range=30d&tz=UTC')).body.data
    expect(utc.clicksOverTime).toEqual(plain.clicksOverTime)
    expect(utc.summary).toEqual(plain.summary)
  })

  test('an unknown zone is a 400 that names the tz field, on both routes', async () => {
    for (const route of ['/api/v1/analytics/overview', '/api/v1/analytics/links/zones']) {
      for (const tz of ['Mars/Olympus_Mons', '+05:00', '../etc/passwd', "UTC'; DROP"]) {
        const r = await h.api('GET', `${route}?tz=${encodeURIComponent(tz)}`)
        expect([tz, r.status]).toEqual([tz, 400])
        expect(r.body.error.code).toBe('VALIDATION_ERROR')
        expect(r.body.error.field).toBe('tz')
      }
    }
  })
})
