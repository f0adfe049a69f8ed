// The single-link create as one statement: quota, link and outbox event together or not at all,
// under concurrency and on every refusal.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { and, eq } from 'drizzle-orm'
import { events, links, usagePeriods } from '../src/db/schema'
import { currentPeriod } from '../src/plans/period'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('one-statement create on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const create = (body: unknown, key: string) => h.api('POST', '/api/v1/links', { body, key })
  const period = () => currentPeriod(new Date()).start
  const used = async (userId: string) => (await h.deps.db.select().from(usagePeriods)
    .where(and(eq(usagePeriods.userId, userId), eq(usagePeriods.periodStart, period()))))[0]?.linksCreated ?? 0
  const linksOf = async (userId: string) => (await h.deps.db.select({ id: links.id }).from(links).where(eq(links.userId, userId))).length
  const eventsOf = async (userId: string) => (await h.deps.db.select({ id: events.id }).from(events)
    .where(and(eq(events.userId, userId), eq(events.type, 'link.created')))).length

  test('concurrent creates at the monthly limit never overshoot it, and each refused one leaves nothing', async () => {
    const free = await createUser(h, { plan: 'Free' })
    await h.deps.db.insert(usagePeriods).values({ userId: free.id, periodStart: period(), linksCreated: 45 })
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => create({ url: `https://example.com/race/${i}` }, free.key)))
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(5)
    expect(statuses.filter((s) => s === 402)).toHaveLength(7)
    expect(await used(free.id)).toBe(50)
    expect(await linksOf(free.id)).toBe(5)
    expect(await eventsOf(free.id)).toBe(5)
    const usages = answers.filter((r) => r.status === 201).map((r) => r.body.usage.linksUsed).sort()
    expect(usages).toEqual([46, 47, 48, 49, 50])
  })

  test('a taken custom slug is a 409 that counts nothing against the quota and writes no event', async () => {
    const user = await createUser(h, { plan: 'Pro' })
    expect((await create({ url: 'https://example.com/first', slug: 'perf-api-taken' }, user.key)).status).toBe(201)
    const r = await create({ url: 'https://example.com/second', slug: 'perf-api-taken' }, user.key)
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('SLUG_ALREADY_EXISTS')
    expect(await used(user.id)).toBe(1)
    expect(await linksOf(user.id)).toBe(1)
    expect(await eventsOf(user.id)).toBe(1)
  })

  test('at the limit, a taken custom slug is answered with the limit, as the quota is checked first', async () => {
    const free = await createUser(h, { plan: 'Free' })
    expect((await create({ url: 'https://example.com/mine', slug: 'perf-api-full' }, free.key)).status).toBe(201)
    await h.deps.db.update(usagePeriods).set({ linksCreated: 50 }).where(eq(usagePeriods.userId, free.id))
    const r = await create({ url: 'https://example.com/again', slug: 'perf-api-full' }, free.key)
    expect(r.status).toBe(402)
    expect(r.body.error.code).toBe('PLAN_LIMIT_EXCEEDED')
  })

  test('the link.created event carries the link as the API shows it', async () => {
    const user = await createUser(h, { plan: 'Pro' })
    const r = await create({ url: 'https://example.com/evt', slug: 'perf-api-evt', title: 'Evt' }, user.key)
    expect(r.status).toBe(201)
    const [e] = await h.deps.db.select().from(events).where(and(eq(events.userId, user.id), eq(events.type, 'link.created')))
    expect(e.data).toMatchObject({
      id: r.body.data.id, shortCode: 'perf-api-evt', shortUrl: r.body.data.shortUrl,
      originalUrl: 'https://example.com/evt', title: 'Evt', source: 'API',
    })
  })

  test('creates of different shapes, one after another, each keep only their own fields', async () => {
    const user = await createUser(h, { plan: 'Pro' })
    const full = await create({ url: 'https://example.com/shape/1', title: 'Full', expiresIn: '1d', singleUse: true }, user.key)
    const bare = await create({ url: 'https://example.com/shape/2' }, user.key)
    const again = await create({ url: 'https://example.com/shape/3', title: 'Again', expiresIn: '1d' }, user.key)
    expect([full.status, bare.status, again.status]).toEqual([201, 201, 201])
    expect(full.body.data).toMatchObject({ title: 'Full', singleUse: true })
    expect(full.body.data.expiresAt).not.toBeNull()
    expect(bare.body.data).toMatchObject({ title: null, singleUse: false, expiresAt: null, originalUrl: 'https://example.com/shape/2' })
    expect(again.body.data).toMatchObject({ title: 'Again', singleUse: false, originalUrl: 'https://example.com/shape/3' })
    expect(new Set([full.body.data.shortCode, bare.body.data.shortCode, again.body.data.shortCode]).size).toBe(3)
  })
})
