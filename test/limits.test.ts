import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { createHarness, engines, redisUrl, SETUP_TIMEOUT, type Harness } from './support/harness'
import { newKey, newUser } from './support/accounts'
import { events, usagePeriods } from '../src/db/schema'
import { currentPeriod } from '../src/plans/period'
import { notifyUsageThresholds, notifyUsageThresholdsOf } from '../src/plans/thresholds'
import { DEFAULT_PLANS, findPlan } from '../src/plans/table'

setDefaultTimeout(30_000)

// Mid-minute, so that a test never straddles a rate-limit window unless it moves the clock.
const START = Date.UTC(2030, 4, 15, 12, 0, 20)
const limiters = [{ name: 'in-process', redis: false }, ...(redisUrl ? [{ name: 'Redis', redis: true }] : [])]

describe.each(limiters)('API rate limits ($name)', ({ redis }) => {
  let h: Harness
  let clock = START
  beforeAll(async () => { h = await createHarness({ redis, overrides: { now: () => new Date(clock) } }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('every /api/v1 answer carries X-RateLimit-* headers: success, 400, 401 and unknown routes', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    const answers = [
      await h.api('GET', '/api/v1/me', { key }),
      await h.api('POST', '/api/v1/links', { key, body: { title: 42 } }),
      await h.api('GET', '/api/v1/links/does-not-exist', { key }),
      await h.api('GET', '/api/v1/no-such-route', { key }),
      await h.api('GET', '/api/v1/me', { key: null }),
    ]
    expect(answers.map((a) => a.status)).toEqual([200, 400, 404, 404, 401])
    for (const a of answers) {
      expect(Number(a.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0)
      expect(a.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/)
      expect(Number(a.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((Math.floor(clock / 60_000) + 1) * 60))
    }
    expect(answers.slice(0, 4).map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['29', '28', '27', '26'])
  })

  test('the 31st request of a minute on the Free plan gets 429 with retryAfter and Retry-After; the next minute is free again', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    for (let i = 0; i < 30; i++) expect((await h.api('GET', '/api/v1/me', { key })).status).toBe(200)
    const r = await h.api('GET', '/api/v1/me', { key })
    expect(r.status).toBe(429)
    expect(r.body.error.code).toBe('RATE_LIMIT_EXCEEDED')
    expect(r.body.error.retryAfter).toBe(40)
    expect(r.headers.get('retry-after')).toBe('40')
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0')
    clock += 60_000
    expect((await h.api('GET', '/api/v1/me', { key })).status).toBe(200)
  })

  test('limits are per key, and per account for JWTs', async () => {
    const u = await newUser(h)
    const k1 = await newKey(h, u.jwt, 'one')
    const k2 = await newKey(h, u.jwt, 'two')
    for (let i = 0; i < 30; i++) await h.api('GET', '/api/v1/me', { key: k1.key })
    expect((await h.api('GET', '/api/v1/me', { key: k1.key })).status).toBe(429)
    expect((await h.api('GET', '/api/v1/me', { key: k2.key })).status).toBe(200)
    const jwtAnswer = await h.api('GET', '/api/v1/me', { key: u.jwt })
    expect(jwtAnswer.status).toBe(200)
    expect(Number(jwtAnswer.headers.get('x-ratelimit-remaining'))).toBeLessThanOrEqual(29 - 2) // the key creations counted
  })

  test('the limit is exact under concurrency: 50 requests at once, exactly 30 pass', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    const answers = await Promise.all(Array.from({ length: 50 }, () => h.api('GET', '/api/v1/me', { key })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(30)
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20)
  })

  test('an account\'s keys together stay under its ceiling: 5 keys × 30 requests at once, exactly 90 pass', async () => {
    const u = await newUser(h)
    const keys = [] as string[]
    for (let i = 0; i < 5; i++) keys.push((await newKey(h, u.jwt, `k${i}`)).key)
    clock += 60_000 // a fresh window: the key creations counted on the account
    const answers = await Promise.all(keys.flatMap((key) => Array.from({ length: 30 }, () => h.api('GET', '/api/v1/me', { key }))))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(90)
    const refused = answers.filter((a) => a.status === 429)
    expect(refused).toHaveLength(60)
    // The binding limit is the account's, and the headers say so.
    expect(refused[0].headers.get('x-ratelimit-limit')).toBe('90')
    expect(refused[0].headers.get('x-ratelimit-remaining')).toBe('0')
    expect(refused[0].body.error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', limit: 90 })
    expect(refused[0].body.error.message).toStartWith('Too many requests for this account, all its keys together: 90 a minute')
    // The account's session is under the same ceiling.
    expect((await h.api('GET', '/api/v1/me', { key: u.jwt })).status).toBe(429)
  })

  test('the headers report the binding limit: the key\'s while it has less left, then the account\'s', async () => {
    const u = await newUser(h)
    const keys = [] as string[]
    for (let i = 0; i < 4; i++) keys.push((await newKey(h, u.jwt, `k${i}`)).key)
    clock += 60_000
    const first = await h.api('GET', '/api/v1/me', { key: keys[0] })
    expect([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining')]).toEqual(['30', '29'])
    for (const key of keys.slice(0, 2)) for (let i = 0; i < 29; i++) await h.api('GET', '/api/v1/me', { key })
    for (let i = 0; i < 10; i++) await h.api('GET', '/api/v1/me', { key: keys[2] })
    // 30 + 29 + 10 = 69 of 90 used: the fourth key has 30 left of its own but the account 20.
    const fourth = await h.api('GET', '/api/v1/me', { key: keys[3] })
    expect([fourth.headers.get('x-ratelimit-limit'), fourth.headers.get('x-ratelimit-remaining')]).toEqual(['90', '20'])
    // A refused hit uses up nothing: the exhausted first key does not eat into the account.
    expect((await h.api('GET', '/api/v1/me', { key: keys[0] })).status).toBe(429)
    expect((await h.api('GET', '/api/v1/me', { key: keys[3] })).headers.get('x-ratelimit-remaining')).toBe('19')
  })

  test('over a real server, calls without valid credentials are limited per client address', async () => {
    const server = await h.listen()
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: 'Bearer not-a-key' } })
      expect(res.headers.get('x-ratelimit-limit')).toBe('30')
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true)
    expect(statuses[30]).toBe(429)
    const withKey = await fetch(`${server.url}/api/v1/me`, { headers: { 'x-api-key': h.adminKey } })
    expect(withKey.status).toBe(200) // a valid key has its own bucket
  })

  test('a plan with a higher limit gets it: the admin (Business) has 1000 a minute', async () => {
    const r = await h.api('GET', '/api/v1/me')
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000')
  })
})

describe('API rate limits when Redis is away', () => {
  let h: Harness
  beforeAll(async () => {
    h = await createHarness({ env: { REDIS_URL: 'redis://127.0.0.1:1' }, overrides: { now: () => new Date(START) } })
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('the API keeps answering and falls back to the in-process limiter, never a 500', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    const first = await h.api('GET', '/api/v1/me', { key })
    expect(first.status).toBe(200)
    expect(first.headers.get('x-ratelimit-remaining')).toBe('29')
    for (let i = 0; i < 29; i++) await h.api('GET', '/api/v1/me', { key })
    expect((await h.api('GET', '/api/v1/me', { key })).status).toBe(429)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !redisUrl)('API rate limits on two instances', () => {
  let a: Harness
  let b: Harness
  beforeAll(async () => {
    const env = { JWT_SECRET: 'a-shared-jwt-secret-of-at-least-32-chars' }
    const overrides = { now: () => new Date(START) }
    a = await createHarness({ engine: 'postgres', redis: true, env, overrides })
    b = await createHarness({ engine: 'postgres', redis: true, env, overrides, databaseUrl: a.databaseUrl!, redisPrefix: a.config.redisPrefix })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await b.close()
    await a.close()
  })

  test('two instances share one counter per key: 20 on one and 10 on the other exhaust it', async () => {
    const u = await newUser(a)
    const { key } = await newKey(a, u.jwt)
    const onA = await Promise.all(Array.from({ length: 20 }, () => a.api('GET', '/api/v1/me', { key })))
    const onB = await Promise.all(Array.from({ length: 10 }, () => b.api('GET', '/api/v1/me', { key })))
    expect([...onA, ...onB].every((r) => r.status === 200)).toBe(true)
    expect((await b.api('GET', '/api/v1/me', { key })).status).toBe(429)
    expect((await a.api('GET', '/api/v1/me', { key })).status).toBe(429)
  })

  test('keys of one account used on two instances at once share its ceiling: exactly 90 pass', async () => {
    const u = await newUser(a)
    const keys = [] as string[]
    for (let i = 0; i < 4; i++) keys.push((await newKey(a, u.jwt, `k${i}`)).key)
    const used = 4 // the creations counted on the account in this window
    const answers = await Promise.all(keys.flatMap((key, i) => Array.from({ length: 30 }, () => (i % 2 ? b : a).api('GET', '/api/v1/me', { key }))))
    expect(answers.filter((r) => r.status === 200)).toHaveLength(90 - used)
  })
})

describe.each(engines)('plan limits and usage events on %s', (engine) => {
  let h: Harness
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kurz-plans-'))
    const plans = DEFAULT_PLANS.map((p) => (p.name === 'Free' ? { ...p, linkLimit: 10, clickLimit: 100 } : p))
    writeFileSync(join(dir, 'plans.json'), JSON.stringify(plans))
    h = await createHarness({ engine, env: { PLANS_FILE: join(dir, 'plans.json') } })
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const eventsOf = (userId: string) => h.deps.db.select().from(events).where(eq(events.userId, userId))

  test('link creation fires plan.limit_warning at 90 % and plan.limit_reached at 100 %, once each; then 402 with recommend', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    const kinds = async () => (await eventsOf(u.id)).map((e) => e.type).filter((t) => t.startsWith('plan.'))
    for (let i = 0; i < 8; i++) expect((await h.api('POST', '/api/v1/links', { key, body: { url: `https://e.com/${i}` } })).status).toBe(201)
    expect(await kinds()).toEqual([])
    await h.api('POST', '/api/v1/links', { key, body: { url: 'https://e.com/9' } })
    expect(await kinds()).toEqual(['plan.limit_warning'])
    const tenth = await h.api('POST', '/api/v1/links', { key, body: { url: 'https://e.com/10' } })
    expect(tenth.body.usage).toEqual({ linksUsed: 10, linkLimit: 10, linksRemaining: 0 })
    expect((await kinds()).sort()).toEqual(['plan.limit_reached', 'plan.limit_warning'])
    const over = await h.api('POST', '/api/v1/links', { key, body: { url: 'https://e.com/11' } })
    expect(over.status).toBe(402)
    expect(over.body.error.code).toBe('PLAN_LIMIT_EXCEEDED')
    expect(over.body.error.recommend).toEqual({ name: 'Core', priceMonthly: 8, linkLimit: 100 })
    expect((await kinds()).length).toBe(2)
    const reached = (await eventsOf(u.id)).find((e) => e.type === 'plan.limit_reached')!
    expect(reached.data).toMatchObject({ plan: 'Free', limitType: 'links', limit: 10, used: 10 })
    const warning = (await eventsOf(u.id)).find((e) => e.type === 'plan.limit_warning')!
    expect(warning.data).toMatchObject({ limitType: 'links', limit: 10, used: 9, percentUsed: 90 })
  })

  test('a bulk create that reaches the limit creates its first links in order, refuses the rest, and sends each usage event once', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    for (let i = 0; i < 4; i++) expect((await h.api('POST', '/api/v1/links', { key, body: { url: `https://e.com/s${i}` } })).status).toBe(201)
    const slug = (i: number) => `limit-bulk-${u.id.slice(-8).toLowerCase()}-${i}`
    // Index 1 is refused before any insert: it takes no place under the limit.
    const links = Array.from({ length: 10 }, (_, i) => (i === 1 ? { url: 'javascript:alert(1)' } : { url: `https://e.com/b${i}`, slug: slug(i) }))
    const r = await h.api('POST', '/api/v1/links/bulk', { key, body: { links } })
    expect(r.status).toBe(200)
    expect(r.body.data.created.map((l: { slug: string }) => l.slug)).toEqual([0, 2, 3, 4, 5, 6].map(slug))
    expect(r.body.data.failed.map((f: { index: number; code: string }) => [f.index, f.code])).toEqual([
      [1, 'INVALID_URL'], [7, 'PLAN_LIMIT_EXCEEDED'], [8, 'PLAN_LIMIT_EXCEEDED'], [9, 'PLAN_LIMIT_EXCEEDED'],
    ])
    const types = (await eventsOf(u.id)).map((e) => e.type).filter((t) => t.startsWith('plan.')).sort()
    expect(types).toEqual(['plan.limit_reached', 'plan.limit_warning'])
    expect((await h.api('GET', '/api/v1/me', { key })).body.data.usage).toMatchObject({ linksUsed: 10, linksRemaining: 0 })
  })

  test('notifyUsageThresholds fires the click events once per period however often it is called', async () => {
    const u = await newUser(h)
    const plan = findPlan(h.config.plans, 'Free')
    const period = currentPeriod(h.deps.now())
    await h.deps.db.insert(usagePeriods).values({ userId: u.id, periodStart: period.start, clicks: 95 })
    await h.deps.db.transaction((tx) => notifyUsageThresholds(tx, u.id, plan, period))
    await h.deps.db.transaction((tx) => notifyUsageThresholds(tx, u.id, plan, period))
    await h.deps.db.update(usagePeriods).set({ clicks: 130 })
      .where(and(eq(usagePeriods.userId, u.id), eq(usagePeriods.periodStart, period.start)))
    await Promise.all([1, 2, 3].map(() => h.deps.db.transaction((tx) => notifyUsageThresholds(tx, u.id, plan, period))))
    const types = (await eventsOf(u.id)).map((e) => e.type).filter((t) => t.startsWith('plan.')).sort()
    expect(types).toEqual(['plan.limit_reached', 'plan.limit_warning'])
  })

  test('notifyUsageThresholdsOf checks every owner a click batch touched, with each owner\'s plan', async () => {
    const low = await newUser(h)
    const high = await newUser(h)
    const start = currentPeriod(h.deps.now()).start
    await h.deps.db.insert(usagePeriods).values([
      { userId: low.id, periodStart: start, clicks: 90 },
      { userId: high.id, periodStart: start, clicks: 10 },
    ])
    const touched = [{ userId: low.id, periodStart: start }, { userId: high.id, periodStart: start }]
    await h.deps.db.transaction((tx) => notifyUsageThresholdsOf(tx, h.config.plans, touched))
    await h.deps.db.transaction((tx) => notifyUsageThresholdsOf(tx, h.config.plans, touched))
    const lowEvents = (await eventsOf(low.id)).filter((e) => e.type.startsWith('plan.'))
    expect(lowEvents.map((e) => e.type)).toEqual(['plan.limit_warning'])
    expect(lowEvents[0].data).toMatchObject({ limitType: 'clicks', limit: 100, used: 90, percentUsed: 90 })
    expect((await eventsOf(high.id)).filter((e) => e.type.startsWith('plan.'))).toEqual([])
  })

  test('GET /api/v1/me shows the plan and this month\'s usage', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    await h.api('POST', '/api/v1/links', { key, body: { url: 'https://e.com/me' } })
    const me = await h.api('GET', '/api/v1/me', { key })
    expect(me.status).toBe(200)
    expect(me.body.data).toMatchObject({
      email: u.email, role: 'USER', emailVerified: false,
      plan: { name: 'Free', linkLimit: 10, clickLimit: 100, rateLimitPerMinute: 30, priceMonthly: 0 },
      usage: { linksUsed: 1, linksRemaining: 9, clicksUsed: 0, clicksRemaining: 100 },
    })
    const period = currentPeriod(new Date())
    expect(me.body.data.usage.periodStart).toBe(period.startDate.toISOString())
    expect(me.body.data.usage.periodEnd).toBe(period.endDate.toISOString())
    expect((await h.api('GET', '/api/v1/me', { key: null })).status).toBe(401)
  })
})
