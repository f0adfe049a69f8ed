import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { clearOfWindowEdge, QUARTER_HOUR_MS } from './support/windows'
import { startInbox, type Inbox } from './support/smtp-inbox'
import { hotp, totpStep } from '../src/accounts/totp'
import { createTokens } from '../src/auth/tokens'
import { users } from '../src/db/schema'

const TOKEN = /token: ([A-Za-z0-9]{40})/
setDefaultTimeout(120_000) // argon2 on a busy machine: thirty logins can take more than 30 s

describe.each(engines)('accounts on %s', (engine) => {
  let h: Harness
  let inbox: Inbox
  beforeAll(async () => {
    inbox = await startInbox()
    h = await createHarness({ engine, redis: true, env: { SMTP_URL: inbox.url, TRUST_PROXY: 'true' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    await inbox.close()
  })

  // Each test logs in from its own address, so the per-IP login limit never couples tests.
  let ipSeq = 0
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    h.api('POST', path, { key: null, body, headers: { 'x-forwarded-for': `10.0.${engines.indexOf(engine)}.${++ipSeq}`, ...headers } })

  async function registered(email: string, password = 'correct-horse-1') {
    const r = await post('/api/auth/register', { email, password, name: 'Someone' })
    expect(r.status).toBe(201)
    return r.body.data.user
  }

  test('register answers 201 with the user and mails a token that verifies the email', async () => {
    const user = await registered('verify@x.test')
    expect(user).toMatchObject({ email: 'verify@x.test', role: 'USER', plan: 'Free', emailVerified: false, name: 'Someone' })
    expect(user.id).toStartWith('usr_')
    expect(user.passwordHash).toBeUndefined()
    const [, token] = await inbox.waitFor('verify@x.test', TOKEN)
    const v = await post('/api/auth/verify-email', { token })
    expect(v.status).toBe(200)
    expect(v.body.data.user.emailVerified).toBe(true)
    const again = await post('/api/auth/verify-email', { token })
    expect(again.status).toBe(400)
    expect(again.body.error.code).toBe('VALIDATION_ERROR')
  })

  test('register refuses a short password and a malformed email with VALIDATION_ERROR naming the field', async () => {
    const short = await post('/api/auth/register', { email: 'short@x.test', password: 'seven77' })
    expect(short.status).toBe(400)
    expect(short.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'password' })
    const bad = await post('/api/auth/register', { email: 'not-an-email', password: 'long-enough-1' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('email')
  })

  test('registering a taken email answers 409 EMAIL_TAKEN, keeps the owner\'s password and mails the owner', async () => {
    await registered('taken@x.test')
    await inbox.waitFor('taken@x.test', TOKEN)
    const second = await post('/api/auth/register', { email: 'Taken@X.test', password: 'another-pass-1' })
    expect(second.status).toBe(409)
    expect(second.body.error).toMatchObject({ code: 'EMAIL_TAKEN', field: 'email' })
    await inbox.waitFor('taken@x.test', /already exists/)
    const login = await post('/api/auth/login', { email: 'taken@x.test', password: 'another-pass-1' })
    expect(login.status).toBe(401)
  })

  test('login and token give the same answer: a JWT at data.token and at the top level', async () => {
    await registered('login@x.test')
    for (const path of ['/api/auth/login', '/api/auth/token']) {
      const r = await post(path, { email: 'LOGIN@x.test', password: 'correct-horse-1' })
      expect(r.status).toBe(200)
      expect(r.body.token).toBe(r.body.data.token)
      expect(r.body.user).toEqual(r.body.data.user)
      expect(Object.keys(r.body.user).sort()).toEqual(['email', 'emailVerified', 'id', 'name', 'role'])
      const me = await h.api('GET', '/api/v1/me', { key: r.body.token })
      expect(me.status).toBe(200)
      expect(me.body.data.email).toBe('login@x.test')
    }
  })

  test('a wrong password and an unknown email both answer 401 UNAUTHORIZED with the same message', async () => {
    await registered('wrongpw@x.test')
    const wrong = await post('/api/auth/login', { email: 'wrongpw@x.test', password: 'not-the-password' })
    const unknown = await post('/api/auth/login', { email: 'nobody@x.test', password: 'not-the-password' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.error.message).toBe(unknown.body.error.message)
    const missing = await post('/api/auth/login', { email: 'wrongpw@x.test' })
    expect(missing.status).toBe(400)
    expect(missing.body.error.field).toBe('password')
  })

  test('the first account of an empty installation is ADMIN on the highest plan', async () => {
    const empty = await createHarness({ engine, env: { ADMIN_EMAIL: 'boss@x.test' } })
    try {
      await empty.deps.db.delete(users)
      const first = await empty.api('POST', '/api/auth/register', { key: null, body: { email: 'first@x.test', password: 'first-pass-1' } })
      expect(first.body.data.user).toMatchObject({ role: 'ADMIN', plan: 'Business' })
      const second = await empty.api('POST', '/api/auth/register', { key: null, body: { email: 'second@x.test', password: 'second-pass-1' } })
      expect(second.body.data.user).toMatchObject({ role: 'USER', plan: 'Free' })
      const named = await empty.api('POST', '/api/auth/register', { key: null, body: { email: 'Boss@x.test', password: 'boss-pass-1' } })
      expect(named.body.data.user).toMatchObject({ role: 'ADMIN', plan: 'Business' })
    } finally {
      await empty.close()
    }
  })

  test('forgot-password answers 200 for unknown and known emails alike; reset logs out older JWTs', async () => {
    await registered('reset@x.test')
    const unknown = await post('/api/auth/forgot-password', { email: 'ghost@x.test' })
    expect(unknown.status).toBe(200)
    const before = await post('/api/auth/login', { email: 'reset@x.test', password: 'correct-horse-1' })
    const known = await post('/api/auth/forgot-password', { email: 'reset@x.test' })
    expect(known.status).toBe(200)
    expect(known.body).toEqual({ ...unknown.body })
    const [, token] = await inbox.waitFor('reset@x.test', /reset the password[\s\S]*?token: ([A-Za-z0-9]{40})/)
    const r = await post('/api/auth/reset-password', { token, password: 'brand-new-pass-2' })
    expect(r.status).toBe(200)
    expect((await h.api('GET', '/api/v1/me', { key: before.body.token })).status).toBe(401)
    expect((await post('/api/auth/login', { email: 'reset@x.test', password: 'correct-horse-1' })).status).toBe(401)
    const after = await post('/api/auth/login', { email: 'reset@x.test', password: 'brand-new-pass-2' })
    expect(after.status).toBe(200)
    expect((await h.api('GET', '/api/v1/me', { key: after.body.token })).status).toBe(200)
    expect((await post('/api/auth/reset-password', { token, password: 'third-pass-33' })).status).toBe(400)
    expect((await post('/api/auth/reset-password', { token: 'x', password: 'short' })).body.error.field).toBe('password')
  })

  test('an expired JWT gets 401 TOKEN_EXPIRED; a forged one UNAUTHORIZED', async () => {
    const user = await registered('expired@x.test')
    const tokens = h.deps.tokens
    const expired = await tokens.sign(user.id, 'USER', Date.now(), Math.floor(Date.now() / 1000) - 60)
    const r = await h.api('GET', '/api/v1/me', { key: expired })
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('TOKEN_EXPIRED')
    const forged = createTokens({ jwt: { ...h.config.jwt, secret: 'x'.repeat(40) } } as never)
    const bad = await h.api('GET', '/api/v1/me', { key: await forged.sign(user.id, 'ADMIN', Date.now()) })
    expect(bad.status).toBe(401)
    expect(bad.body.error.code).toBe('UNAUTHORIZED')
    const [head, body] = expired.split('.')
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`
    expect((await h.api('GET', '/api/v1/me', { key: none })).body.error.code).toBe('UNAUTHORIZED')
    expect(head).toBeTruthy()
  })

  test('2FA cannot be set up, enabled or disabled with an API key: only when signed in', async () => {
    for (const path of ['/api/auth/2fa/setup', '/api/auth/2fa/enable', '/api/auth/2fa/disable']) {
      const r = await h.api('POST', path, { body: { code: '123456' } })
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('FORBIDDEN')
    }
    const [admin] = await h.deps.db.select().from(users).where(eq(users.email, h.adminEmail))
    expect(admin).toMatchObject({ totpSecret: null, totpEnabled: false })
  })

  test('2FA: setup, enable, then login needs NEEDS_2FA / INVALID_2FA_CODE, and a code works once', async () => {
    await registered('totp@x.test')
    const session = await post('/api/auth/login', { email: 'totp@x.test', password: 'correct-horse-1' })
    const jwt = session.body.token
    expect((await h.api('POST', '/api/auth/2fa/setup', { key: null })).status).toBe(401)
    const setup = await h.api('POST', '/api/auth/2fa/setup', { key: jwt })
    expect(setup.status).toBe(200)
    const { secret, otpauthUrl } = setup.body.data
    expect(otpauthUrl).toStartWith('otpauth://totp/')
    expect(otpauthUrl).toContain(`secret=${secret}`)
    const step = totpStep(Date.now())
    expect((await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: '000000' === hotp(secret, step) ? '111111' : '000000' } })).body.error.code)
      .toBe('INVALID_2FA_CODE')
    expect((await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: hotp(secret, step) } })).status).toBe(200)

    const needs = await post('/api/auth/token', { email: 'totp@x.test', password: 'correct-horse-1' })
    expect(needs.status).toBe(401)
    expect(needs.body.error.code).toBe('NEEDS_2FA')
    const reused = await post('/api/auth/token', { email: 'totp@x.test', password: 'correct-horse-1', code: hotp(secret, step) })
    expect(reused.body.error.code).toBe('INVALID_2FA_CODE')
    const ok = await post('/api/auth/token', { email: 'totp@x.test', password: 'correct-horse-1', code: hotp(secret, step + 1) })
    expect(ok.status).toBe(200)
    const twice = await post('/api/auth/token', { email: 'totp@x.test', password: 'correct-horse-1', code: hotp(secret, step + 1) })
    expect(twice.body.error.code).toBe('INVALID_2FA_CODE')
    const far = await post('/api/auth/token', { email: 'totp@x.test', password: 'correct-horse-1', code: hotp(secret, step + 3) })
    expect(far.body.error.code).toBe('INVALID_2FA_CODE')

    expect((await h.api('POST', '/api/auth/2fa/disable', { key: jwt, body: {} })).status).toBe(400)
    const [row] = await h.deps.db.select().from(users).where(eq(users.email, 'totp@x.test'))
    expect(row.totpLastStep).toBe(step + 1)
    // Steps up to step+1 are spent: disabling needs a later one, which the clock reaches within 30 s;
    // roll the spent step back instead of waiting (what matters here is that disable checks the code).
    await h.deps.db.update(users).set({ totpLastStep: step - 2 }).where(eq(users.id, row.id))
    expect((await h.api('POST', '/api/auth/2fa/disable', { key: jwt, body: { code: hotp(secret, step) } })).status).toBe(200)
    expect((await post('/api/auth/login', { email: 'totp@x.test', password: 'correct-horse-1' })).status).toBe(200)
  })

  test('more than 10 logins per email in 15 minutes get 429 with retryAfter, even with the right password', async () => {
    await registered('brute@x.test')
    await clearOfWindowEdge(QUARTER_HOUR_MS)
    for (let i = 0; i < 10; i++) {
      const r = await post('/api/auth/login', { email: 'brute@x.test', password: i === 9 ? 'correct-horse-1' : 'guess-guess' })
      expect(r.status).toBe(i === 9 ? 200 : 401)
    }
    const blocked = await post('/api/auth/login', { email: 'brute@x.test', password: 'correct-horse-1' })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('RATE_LIMIT_EXCEEDED')
    expect(blocked.body.error.retryAfter).toBeGreaterThan(0)
    expect(Number(blocked.headers.get('retry-after'))).toBe(blocked.body.error.retryAfter)
  })

  test('more than 30 logins per IP in 15 minutes get 429, whatever the emails', async () => {
    const ip = { 'x-forwarded-for': `192.168.${engines.indexOf(engine)}.1` }
    await clearOfWindowEdge(QUARTER_HOUR_MS)
    // All at once: each is an argon2 verification (unknown emails too), which then run side by side.
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      post('/api/auth/login', { email: `spray${i}@x.test`, password: 'guess-guess' }, ip).then((r) => r.status)))
    expect(first).toEqual(Array(30).fill(401))
    const r = await post('/api/auth/login', { email: 'spray-last@x.test', password: 'guess-guess' }, ip)
    expect(r.status).toBe(429)
    expect(r.body.error.retryAfter).toBeGreaterThan(0)
  })
})
