// The dashboard's cookie session: sign-in sets an httpOnly SameSite=Strict cookie (never a token in
// the body), the cookie authenticates the API when no header does, state changes riding on it need
// the service's own origin, and sign-out ends it server-side.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { BASE_URL, createHarness, engines, redisUrl, type Harness } from './support/harness'
import { clearOfWindowEdge, MINUTE_MS } from './support/windows'
import { newUser } from './support/accounts'
import { hotp, totpStep } from '../src/accounts/totp'
import { SESSION_RATE_LIMIT_PER_MINUTE } from '../src/auth/plugin'

setDefaultTimeout(60_000)

const ORIGIN = { origin: BASE_URL }

describe.each(engines)('dashboard session on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: !!redisUrl }) }, 120_000)
  afterAll(() => h?.close())

  async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    const res = await h.app.handle(new Request(`${BASE_URL}${path}`, {
      method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }))
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
  }

  async function signIn(email: string, password: string, extra: Record<string, unknown> = {}) {
    const r = await call('POST', '/api/auth/session', ORIGIN, { email, password, ...extra })
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]
    return { ...r, cookie }
  }

  test('sign-in sets an httpOnly, SameSite=Strict cookie and answers the user without any token', async () => {
    const u = await newUser(h)
    const r = await signIn(u.email, u.password)
    expect(r.status).toBe(200)
    const setCookie = r.headers.get('set-cookie')!
    expect(setCookie).toStartWith('kurz_session=')
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    expect(setCookie).not.toContain('Secure') // BASE_URL is http here
    expect(r.body.data.user).toMatchObject({ id: u.id, email: u.email })
    expect(JSON.stringify(r.body)).not.toContain(r.cookie.split('=')[1])
    expect(r.body.token).toBeUndefined()
  })

  test('a wrong password sets no cookie and answers UNAUTHORIZED', async () => {
    const u = await newUser(h)
    const r = await signIn(u.email, 'not-the-password')
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('UNAUTHORIZED')
    expect(r.headers.get('set-cookie')).toBeNull()
  })

  test('sign-in from another site is refused (login CSRF)', async () => {
    const u = await newUser(h)
    const r = await call('POST', '/api/auth/session', { origin: 'https://evil.example' }, { email: u.email, password: u.password })
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } })
    expect(r.headers.get('set-cookie')).toBeNull()
  })

  test('the cookie authenticates reads without any header', async () => {
    const u = await newUser(h)
    const { cookie } = await signIn(u.email, u.password)
    const me = await call('GET', '/api/v1/me', { cookie })
    expect(me.status).toBe(200)
    expect(me.body.data.email).toBe(u.email)
    expect((await call('GET', '/api/v1/me', {})).status).toBe(401)
  })

  test('a state change on the cookie needs our origin; links made so are source DASHBOARD', async () => {
    const u = await newUser(h)
    const { cookie } = await signIn(u.email, u.password)
    const link = { url: 'https://example.com/dash' }
    const crossOrigin = await call('POST', '/api/v1/links', { cookie, origin: 'https://evil.example' }, link)
    expect(crossOrigin.status).toBe(403)
    expect(crossOrigin.body).toMatchObject({ success: false, data: null, error: { code: 'FORBIDDEN' } })
    expect((await call('POST', '/api/v1/links', { cookie }, link)).status).toBe(403) // no Origin at all
    expect((await call('POST', '/api/v1/links', { cookie, 'sec-fetch-site': 'cross-site', origin: BASE_URL }, link)).status).toBe(403)
    expect((await call('POST', '/api/v1/links', { cookie, 'sec-fetch-site': 'same-site' }, link)).status).toBe(403)
    expect((await call('DELETE', '/api/auth/session', { cookie, origin: 'https://evil.example' })).status).toBe(403)

    const same = await call('POST', '/api/v1/links', { cookie, ...ORIGIN }, link)
    expect(same.status).toBe(201)
    expect(same.body.data.source).toBe('DASHBOARD')
    expect((await call('POST', '/api/v1/links', { cookie, 'sec-fetch-site': 'same-origin' }, link)).status).toBe(201)
    // A custom setup reached under another host: Origin naming the Host the request went to.
    expect((await call('POST', '/api/v1/links', { cookie, host: 'short.example:8080', origin: 'https://short.example:8080' }, link)).status).toBe(201)
  })

  test('the header-based API is unchanged: a bearer JWT from any origin creates source API links', async () => {
    const u = await newUser(h)
    const r = await call('POST', '/api/v1/links', { authorization: `Bearer ${u.jwt}`, origin: 'https://integrator.example' }, { url: 'https://example.com/api' })
    expect(r.status).toBe(201)
    expect(r.body.data.source).toBe('API')
  })

  test('sign-out ends the session server-side: the same cookie no longer works', async () => {
    const u = await newUser(h)
    const { cookie } = await signIn(u.email, u.password)
    const out = await call('DELETE', '/api/auth/session', { cookie, ...ORIGIN })
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0')
    const after = await call('GET', '/api/v1/me', { cookie })
    expect(after.status).toBe(401)
    expect(after.body.error.code).toBe('UNAUTHORIZED')
    // A new sign-in works again.
    const again = await signIn(u.email, u.password)
    expect((await call('GET', '/api/v1/me', { cookie: again.cookie })).status).toBe(200)
  })

  test('an account with 2FA is asked for its code (needs_2fa), and the code signs it in', async () => {
    const u = await newUser(h)
    const setup = await h.api('POST', '/api/auth/2fa/setup', { key: u.jwt })
    const secret = setup.body.data.secret
    const step = totpStep(Date.now())
    expect((await h.api('POST', '/api/auth/2fa/enable', { key: u.jwt, body: { code: hotp(secret, step) } })).status).toBe(200)
    const needs = await signIn(u.email, u.password)
    expect(needs.status).toBe(401)
    expect(needs.body.error).toMatchObject({ code: 'NEEDS_2FA', error: 'needs_2fa' })
    expect(needs.headers.get('set-cookie')).toBeNull()
    const ok = await signIn(u.email, u.password, { code: hotp(secret, step + 1) })
    expect(ok.status).toBe(200)
    expect((await call('GET', '/api/v1/me', { cookie: ok.cookie })).status).toBe(200)
  })

  test('a person in the dashboard on the Free plan is not held to the 30 a minute of its keys', async () => {
    const u = await newUser(h)
    const { cookie } = await signIn(u.email, u.password)
    const session = await Promise.all(Array.from({ length: 40 }, () => call('GET', '/api/v1/me', { cookie })))
    expect(session.map((r) => r.status)).toEqual(Array(40).fill(200))
    expect(session[0].headers.get('x-ratelimit-limit')).toBe(String(SESSION_RATE_LIMIT_PER_MINUTE))
    // The same account's bearer JWT keeps the plan's limit, untouched by the session's requests.
    await clearOfWindowEdge(MINUTE_MS, 5_000)
    const bearer = await Promise.all(Array.from({ length: 31 }, () => call('GET', '/api/v1/me', { authorization: `Bearer ${u.jwt}` })))
    expect(bearer.filter((r) => r.status === 429).length).toBe(1)
  })
})

describe('dashboard session over https', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ env: { BASE_URL: 'https://kurz.example' } }) }, 120_000)
  afterAll(() => h?.close())

  test('the cookie is Secure and __Host- prefixed', async () => {
    const u = await newUser(h)
    const res = await h.app.handle(new Request('https://kurz.example/api/auth/session', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://kurz.example' },
      body: JSON.stringify({ email: u.email, password: u.password }),
    }))
    expect(res.status).toBe(200)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toStartWith('__Host-kurz_session=')
    expect(setCookie).toContain('Secure')
    const cookie = setCookie.split(';')[0]
    const me = await h.app.handle(new Request('https://kurz.example/api/v1/me', { headers: { cookie } }))
    expect(me.status).toBe(200)
  })
})
