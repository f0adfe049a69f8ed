import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq, inArray } from 'drizzle-orm'
import { events, links, usagePeriods } from '../src/db/schema'
import { expireLinks, isoWeek } from '../src/jobs/tasks'
import { startScheduler } from '../src/jobs/scheduler'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('scheduled jobs on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const cron = (query: string, key: string | null = null) => h.api('POST', `/api/cron?${query}`, { key })

  test('expire marks links past expiresAt EXPIRED and fires link.expired once per link, even when run twice at once', async () => {
    const ids: string[] = []
    for (const slug of ['job-exp-1', 'job-exp-2']) {
      const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com', slug, expiresIn: '1h' } })
      ids.push(r.body.data.id)
    }
    const live = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com', slug: 'job-live', expiresIn: '1h' } })
    await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(inArray(links.id, ids))
    const [a, b] = await Promise.all([expireLinks(h.deps), expireLinks(h.deps)])
    expect(a.expired + b.expired).toBe(2)
    const rows = await h.deps.db.select().from(links).where(inArray(links.id, [...ids, live.body.data.id]))
    expect(rows.map((r) => [r.slug, r.status]).sort()).toEqual([['job-exp-1', 'EXPIRED'], ['job-exp-2', 'EXPIRED'], ['job-live', 'ACTIVE']])
    const fired = await h.deps.db.select().from(events).where(eq(events.type, 'link.expired'))
    expect(fired.map((e) => (e.data as any).shortCode).sort()).toEqual(['job-exp-1', 'job-exp-2'])
    expect((await cron(`secret=${h.config.cronSecret}&task=expire`)).body.data.results.expire.expired).toBe(0)
  })

  test('the cron route needs the secret or an administrator', async () => {
    expect((await cron('task=expire')).status).toBe(401)
    expect((await cron('secret=wrong&task=expire')).status).toBe(401)
    const user = await createUser(h, { plan: 'Pro' })
    expect((await cron('task=expire', user.key)).status).toBe(403)
    const admin = await cron('task=expire', h.adminKey)
    expect(admin.status).toBe(200)
    expect(admin.body.data.task).toBe('expire')
    expect((await h.api('GET', `/api/cron?secret=${h.config.cronSecret}`, { key: null })).body.data.task).toBe('all')
    const bad = await cron(`secret=${h.config.cronSecret}&task=explode`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('task')
  })

  test('renew opens the current period for every account, once', async () => {
    const first = await cron(`secret=${h.config.cronSecret}&task=renew`)
    expect(first.status).toBe(200)
    const again = await cron(`secret=${h.config.cronSecret}&task=renew`)
    expect(again.body.data.results.renew.accounts).toBe(0)
    const rows = await h.deps.db.select().from(usagePeriods)
    expect(rows.length).toBeGreaterThan(0)
  })

  test('weekly writes one report.weekly event per account and week', async () => {
    const first = await cron(`secret=${h.config.cronSecret}&task=weekly`)
    expect(first.body.error).toBeUndefined()
    await cron(`secret=${h.config.cronSecret}&task=weekly`)
    const reports = await h.deps.db.select().from(events).where(eq(events.type, 'report.weekly'))
    const perUser = new Map<string, number>()
    for (const r of reports) perUser.set(r.userId!, (perUser.get(r.userId!) ?? 0) + 1)
    expect(perUser.size).toBeGreaterThan(0)
    expect([...perUser.values()].every((n) => n === 1)).toBe(true)
    expect((reports[0].data as any).week).toBe(isoWeek(new Date()))
    const adminTotal = (await h.api('GET', '/api/v1/links?size=1')).body.data.total
    const adminId = (await h.deps.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, h.adminEmail) }))!.id
    expect((reports.find((r) => r.userId === adminId)!.data as any).totalLinks).toBe(adminTotal)
  })
})

describe.each(engines)('the in-process schedule on %s', (engine) => {
  test('stopping it waits for the run under way, so that the database can then be closed', async () => {
    const h = await createHarness({ engine })
    try {
      const link = await h.createLink({ url: 'https://example.com', slug: 'sched-exp', expiresIn: '1h' })
      await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(links.id, link.id))
      const stop = startScheduler(h.deps) // (runs expire at once)
      await stop()
      const [row] = await h.deps.db.select().from(links).where(eq(links.id, link.id))
      expect(row.status).toBe('EXPIRED')
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT)
})

describe('isoWeek', () => {
  test.each([['2026-01-01', '2026-W01'], ['2027-01-01', '2026-W53'], ['2026-11-21', '2026-W47']])('%s is %s', (day, week) => {
    expect(isoWeek(new Date(`${day}T12:00:00Z`))).toBe(week)
  })
})
