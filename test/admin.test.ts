import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { createHarness, createHarnessPair, engines, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { newKey, newUser } from './support/accounts'
import { events } from '../src/db/schema'

setDefaultTimeout(30_000)

describe.each(engines)('admin user routes on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('GET /admin/users lists accounts page by page, without hashes or secrets', async () => {
    for (let i = 0; i < 3; i++) await newUser(h)
    const first = await h.api('GET', '/api/v1/admin/users?page=0&size=2')
    expect(first.status).toBe(200)
    expect(first.body.data).toMatchObject({ page: 0, size: 2 })
    expect(first.body.data.content).toHaveLength(2)
    expect(first.body.data.total).toBeGreaterThanOrEqual(4)
    expect(first.body.data.content[0]).toMatchObject({ email: h.adminEmail, role: 'ADMIN', blocked: false })
    const body = JSON.stringify(first.body)
    expect(body).not.toContain('passwordHash')
    expect(body).not.toContain('totpSecret')
    const byOffset = await h.api('GET', '/api/v1/admin/users?limit=1&offset=1')
    expect(byOffset.body.data).toMatchObject({ limit: 1, offset: 1 })
    expect(byOffset.body.data.content[0].id).toBe(first.body.data.content[1].id)
    expect((await h.api('GET', '/api/v1/admin/users?size=1000')).status).toBe(400)
  })

  test('a USER gets 403 FORBIDDEN on admin routes; no credentials 401', async () => {
    const u = await newUser(h)
    const r = await h.api('GET', '/api/v1/admin/users', { key: u.jwt })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('FORBIDDEN')
    expect((await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { key: u.jwt, body: { plan: 'Business' } })).status).toBe(403)
    expect((await h.api('GET', '/api/v1/admin/users', { key: null })).status).toBe(401)
  })

  test('PATCH plan changes the plan at once and writes subscription.created to the outbox', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    expect((await h.api('GET', '/api/v1/me', { key })).body.data.plan.name).toBe('Free')
    const r = await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { plan: 'pro' } })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({ id: u.id, plan: 'Pro' })
    const me = await h.api('GET', '/api/v1/me', { key })
    expect(me.body.data.plan).toMatchObject({ name: 'Pro', rateLimitPerMinute: 200 })
    const rows = await h.deps.db.select().from(events).where(eq(events.userId, u.id))
    const sub = rows.filter((e) => e.type === 'subscription.created')
    expect(sub).toHaveLength(1)
    expect(sub[0].data).toMatchObject({ plan: 'Pro', previousPlan: 'Free', amount: 20, interval: 'month' })
  })

  test('PATCH with an unknown plan or a wrong type is a 400; an unknown user a 404', async () => {
    const u = await newUser(h)
    const bad = await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { plan: 'Platinum' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('plan')
    expect((await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { blocked: 'yes' } })).body.error.field).toBe('blocked')
    expect((await h.api('PATCH', '/api/v1/admin/users/usr_nobody', { body: { blocked: true } })).status).toBe(404)
  })

  test('a blocked account gets 403 ACCOUNT_BLOCKED with its keys and its JWTs, and logging in; unblocking restores it', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    expect((await h.api('GET', '/api/v1/me', { key })).status).toBe(200)
    expect((await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { blocked: true } })).body.data.blocked).toBe(true)
    for (const credential of [key, u.jwt]) {
      const r = await h.api('GET', '/api/v1/me', { key: credential })
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('ACCOUNT_BLOCKED')
    }
    const login = await h.api('POST', '/api/auth/login', { key: null, body: { email: u.email, password: u.password } })
    expect(login.body.error.code).toBe('ACCOUNT_BLOCKED')
    await h.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { blocked: false } })
    expect((await h.api('GET', '/api/v1/me', { key })).status).toBe(200)
  })

  test('an admin cannot block their own account', async () => {
    const me = await h.api('GET', '/api/v1/me')
    const r = await h.api('PATCH', `/api/v1/admin/users/${me.body.data.id}`, { body: { blocked: true } })
    expect(r.status).toBe(400)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !redisUrl)('blocking on two instances', () => {
  let pair: HarnessPair
  let a: Harness
  let b: Harness
  beforeAll(async () => {
    pair = await createHarnessPair({ redis: true })
    a = pair.a
    b = pair.b
  }, SETUP_TIMEOUT)
  afterAll(async () => { await pair.close() })

  test('a block set on one instance applies at once on the other', async () => {
    const u = await newUser(a)
    const { key } = await newKey(a, u.jwt)
    expect((await b.api('GET', '/api/v1/me', { key })).status).toBe(200) // b caches the account
    await a.api('PATCH', `/api/v1/admin/users/${u.id}`, { body: { blocked: true } })
    await Bun.sleep(50)
    expect((await b.api('GET', '/api/v1/me', { key })).body.error.code).toBe('ACCOUNT_BLOCKED')
  })
})
