// Analytics filtered by tag: the overview and the account report count only the caller's links
// that have the tag (clicks in ClickHouse, links in PostgreSQL); an unknown or another account's
// tag is a 404 naming `tag`.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { rawClick } from './support/clicks'
import { createUser } from './support/users'
import { Enricher } from '../src/clicks/enrich'
import { insertClicks } from '../src/clicks/pipeline'
import { links } from '../src/db/schema'
import { eq } from 'drizzle-orm'

const DAY = 86_400_000
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

describe.each(engines)('analytics by tag on %s', (engine) => {
  let h: Harness
  let red: { id: string }
  let empty: { id: string }
  const today = Date.parse(isoDay(Date.now()))
  beforeAll(async () => {
    h = await createHarness({ engine, redis: true, clickhouse: true })
    red = (await h.api('POST', '/api/v1/tags', { body: { name: 'red' } })).body.data
    empty = (await h.api('POST', '/api/v1/tags', { body: { name: 'unused' } })).body.data
    const a = await h.createLink({ url: 'https://example.com/a', slug: 'tag-a', tagIds: [red.id] })
    const b = await h.createLink({ url: 'https://example.com/b', slug: 'tag-b', tagIds: [red.id] })
    const c = await h.createLink({ url: 'https://example.com/c', slug: 'tag-c' })
    const [{ userId: ownerId }] = await h.deps.db.select({ userId: links.userId }).from(links).where(eq(links.id, a.id))
    const seed = (linkId: string, n: number, ageDays: number, ref: string) => Array.from({ length: n }, (_, i) =>
      rawClick({ linkId, ownerId, ts: today - ageDays * DAY + 3_600_000, ip: `10.${ageDays}.${n}.${i}`, referer: ref }))
    // red: a has 3 today and 1 three days ago, b has 2 today; c (untagged) has 5 today
    const clicks = [...seed(a.id, 3, 0, 'https://news.example/'), ...seed(a.id, 1, 3, 'https://news.example/'),
      ...seed(b.id, 2, 0, 'https://blog.example/'), ...seed(c.id, 5, 0, 'https://ads.example/')]
    await insertClicks(h.deps.clickhouse!, await new Enricher('s', null).enrichBatch(clicks), `tags-seed-${engine}`)
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h?.close() })

  test('the overview with a tag counts only that tag\'s links: totals, days, top links and referrers', async () => {
    const all = (await h.api('GET', '/api/v1/analytics/overview?range=7d')).body.data
    expect(all.summary).toMatchObject({ totalClicks: 11, totalLinks: 3 })
    const r = await h.api('GET', `/api/v1/analytics/overview?range=7d&tag=${red.id}`)
    expect(r.status).toBe(200)
    const d = r.body.data
    expect(d.summary).toEqual({ totalClicks: 6, uniqueClicks: 6, totalLinks: 2, activeLinks: 2 })
    expect(d.clicksOverTime).toHaveLength(7)
    expect(d.clicksOverTime.at(-1)).toEqual({ date: isoDay(today), clicks: 5 })
    expect(d.clicksOverTime.find((x: { date: string }) => x.date === isoDay(today - 3 * DAY)).clicks).toBe(1)
    expect(d.topLinks.map((x: { shortCode: string; clicks: number }) => [x.shortCode, x.clicks])).toEqual([['tag-a', 4], ['tag-b', 2]])
    expect(d.topReferrers.map((x: { name: string }) => x.name).sort()).toEqual(['blog.example', 'news.example'])
    const sumCountries = d.topCountries.reduce((n: number, x: { clicks: number }) => n + x.clicks, 0)
    expect(sumCountries).toBe(6)
    expect(d.byTrigger).toEqual([{ name: 'link', clicks: 6 }, { name: 'qr', clicks: 0 }])
    const allTime = (await h.api('GET', `/api/v1/analytics/overview?range=all&tag=${red.id}`)).body.data
    expect(allTime.clicksOverTime).toHaveLength(4)
    expect(allTime.summary.totalClicks).toBe(6)
  })

  test('a tag no link has answers zeros, zero-filled', async () => {
    const d = (await h.api('GET', `/api/v1/analytics/overview?range=30d&tag=${empty.id}`)).body.data
    expect(d.summary).toEqual({ totalClicks: 0, uniqueClicks: 0, totalLinks: 0, activeLinks: 0 })
    expect(d.clicksOverTime).toHaveLength(30)
    expect(d.topLinks).toEqual([])
    const m = (await h.api('GET', `/api/v1/analytics/account?tag=${empty.id}`)).body.data
    expect(m.months.every((x: { clicks: number; links: number }) => x.clicks === 0 && x.links === 0)).toBe(true)
  })

  test('the account report with a tag counts that tag\'s clicks and links per month; the usage stays the account\'s', async () => {
    const all = (await h.api('GET', '/api/v1/analytics/account')).body.data
    const r = await h.api('GET', `/api/v1/analytics/account?tag=${red.id}`)
    expect(r.status).toBe(200)
    const sum = (months: { clicks: number; links: number }[], k: 'clicks' | 'links') => months.reduce((n, x) => n + x[k], 0)
    expect(sum(r.body.data.months, 'clicks')).toBe(6)
    expect(sum(r.body.data.months, 'links')).toBe(2)
    expect(sum(all.months, 'clicks')).toBe(11)
    expect(sum(all.months, 'links')).toBe(3)
    expect(r.body.data.usage).toEqual(all.usage)
  })

  test('an unknown tag, another account\'s tag or a malformed one is an error naming `tag`', async () => {
    const other = await createUser(h, { plan: 'Pro' })
    const theirs = (await h.api('POST', '/api/v1/tags', { body: { name: 'theirs' }, key: other.key })).body.data
    for (const path of ['/api/v1/analytics/overview', '/api/v1/analytics/account']) {
      for (const tag of ['tag_nope', theirs.id]) {
        const r = await h.api('GET', `${path}?tag=${tag}`)
        expect(r.status).toBe(404)
        expect(r.body.success).toBe(false)
        expect(r.body.error.field).toBe('tag')
      }
      const blank = await h.api('GET', `${path}?tag=`)
      expect(blank.status).toBe(400)
      expect(blank.body.error.code).toBe('VALIDATION_ERROR')
      expect(blank.body.error.field).toBe('tag')
      expect((await h.api('GET', `${path}?tag=${'x'.repeat(101)}`)).status).toBe(400)
    }
    // their own tag works for them, and sees none of the admin's clicks
    const mine = (await h.api('GET', `/api/v1/analytics/overview?tag=${theirs.id}`, { key: other.key })).body.data
    expect(mine.summary.totalClicks).toBe(0)
  })
})
