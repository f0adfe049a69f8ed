// Change password while signed in, the plans list, and the limits /me carries for the dashboard.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { DEFAULT_PLANS } from '../src/plans/table'

setDefaultTimeout(60_000)

describe('change password, plans and /me limits', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine: engines[engines.length - 1] }) }, SETUP_TIMEOUT)
  afterAll(() => h.close())

  async function account() {
    const email = `pw-${crypto.randomUUID().slice(0, 8)}@x.test`
    const password = 'old-password-1'
    expect((await h.api('POST', '/api/auth/register', { key: null, body: { email, password } })).status).toBe(201)
    const jwt = (await h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).body.token as string
    return { email, password, jwt }
  }

  test('a wrong current password is refused on its field and changes nothing', async () => {
    const a = await account()
    const res = await h.api('POST', '/api/auth/password', { key: a.jwt, body: { currentPassword: 'wrong-one-1', password: 'new-password-2' } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'currentPassword' })
    expect((await h.api('POST', '/api/auth/login', { key: null, body: { email: a.email, password: a.password } })).status).toBe(200)
  })

  test('a short or unchanged new password is refused on the password field', async () => {
    const a = await account()
    const short = await h.api('POST', '/api/auth/password', { key: a.jwt, body: { currentPassword: a.password, password: 'short' } })
    expect(short.status).toBe(400)
    expect(short.body.error.field).toBe('password')
    const same = await h.api('POST', '/api/auth/password', { key: a.jwt, body: { currentPassword: a.password, password: a.password } })
    expect(same.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'password' })
  })

  test('the right current password sets the new one and ends the sessions issued before', async () => {
    const a = await account()
    await Bun.sleep(5) // the new sign-in below must be issued after the change
    const res = await h.api('POST', '/api/auth/password', { key: a.jwt, body: { currentPassword: a.password, password: 'new-password-2' } })
    expect(res.status).toBe(200)
    expect((await h.api('GET', '/api/v1/me', { key: a.jwt })).status).toBe(401)
    expect((await h.api('POST', '/api/auth/login', { key: null, body: { email: a.email, password: a.password } })).status).toBe(401)
    expect((await h.api('POST', '/api/auth/login', { key: null, body: { email: a.email, password: 'new-password-2' } })).status).toBe(200)
  })

  test('an API key cannot change the password', async () => {
    const u = await createUser(h)
    const res = await h.api('POST', '/api/auth/password', { key: u.key, body: { currentPassword: 'x', password: 'new-password-2' } })
    expect(res.status).toBe(403)
  })

  test('the plans list has every plan with its limits and names the caller\'s plan', async () => {
    const u = await createUser(h, { plan: 'Core' })
    const res = await h.api('GET', '/api/v1/plans', { key: u.key })
    expect(res.status).toBe(200)
    expect(res.body.data.current).toBe('Core')
    expect(res.body.data.plans.map((p: { name: string }) => p.name)).toEqual(DEFAULT_PLANS.map((p) => p.name))
    expect(res.body.data.plans[2]).toMatchObject({ name: 'Pro', keyLimit: DEFAULT_PLANS[2].keyLimit, maxExpirySeconds: null, typedLinks: true })
    expect((await h.api('GET', '/api/v1/plans', { key: null })).status).toBe(401)
  })

  test('/me carries the plan\'s key, domain and account rate limits and the keys held', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const me = (await h.api('GET', '/api/v1/me', { key: u.key })).body.data
    const pro = DEFAULT_PLANS[2]
    expect(me.plan).toMatchObject({ keyLimit: pro.keyLimit, domainLimit: pro.domainLimit, accountRateLimitPerMinute: pro.accountRateLimitPerMinute, bulkLimit: pro.bulkLimit })
    expect(me.usage).toMatchObject({ keysUsed: 1, domainsUsed: 0 })
  })
})
