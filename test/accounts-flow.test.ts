import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { startInbox, type Inbox } from './support/smtp-inbox'
import { hotp, totpStep } from '../src/accounts/totp'

setDefaultTimeout(60_000)

describe.each(engines)('the whole account journey on %s', (engine) => {
  let h: Harness
  let inbox: Inbox
  // A stopped clock: the rate-limit minute cannot roll over halfway through the test.
  const frozen = Date.now()
  beforeAll(async () => {
    inbox = await startInbox()
    h = await createHarness({ engine, redis: true, env: { SMTP_URL: inbox.url }, overrides: { now: () => new Date(frozen) } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    await inbox.close()
  })

  test('register → email → verify → login with 2FA → key → use → limit → admin upgrade → limit lifted', async () => {
    const email = 'journey@x.test'
    const password = 'journey-password-1'
    const anon = (method: string, path: string, body?: unknown) => h.api(method, path, { key: null, body })

    const reg = await anon('POST', '/api/auth/register', { email, password, name: 'Journey' })
    expect(reg.status).toBe(201)
    const [, verifyToken] = await inbox.waitFor(email, /token: ([A-Za-z0-9]{40})/)
    expect((await anon('POST', '/api/auth/verify-email', { token: verifyToken })).body.data.user.emailVerified).toBe(true)

    const first = await anon('POST', '/api/auth/login', { email, password })
    expect(first.status).toBe(200)
    const setup = await h.api('POST', '/api/auth/2fa/setup', { key: first.body.token })
    const { secret } = setup.body.data
    const step = totpStep(frozen)
    expect((await h.api('POST', '/api/auth/2fa/enable', { key: first.body.token, body: { code: hotp(secret, step) } })).status).toBe(200)
    expect((await anon('POST', '/api/auth/login', { email, password })).body.error.code).toBe('NEEDS_2FA')
    const login = await anon('POST', '/api/auth/login', { email, password, code: hotp(secret, step + 1) })
    expect(login.status).toBe(200)
    expect(login.body.user).toMatchObject({ email, role: 'USER', emailVerified: true })

    const created = await h.api('POST', '/api/v1/keys', { key: login.body.token, body: { name: 'journey' } })
    const key = created.body.data.key as string
    const link = await h.api('POST', '/api/v1/links', { key, body: { url: 'https://example.com/journey' } })
    expect(link.status).toBe(201)

    let answer = link
    let used = 1
    while (answer.status !== 429 && used < 100) {
      answer = await h.api('GET', '/api/v1/me', { key })
      used++
    }
    expect(answer.status).toBe(429)
    expect(used).toBe(31) // Free: 30 a minute
    expect(answer.body.error.retryAfter).toBeGreaterThan(0)

    const upgrade = await h.api('PATCH', `/api/v1/admin/users/${reg.body.data.user.id}`, { body: { plan: 'Pro' } })
    expect(upgrade.status).toBe(200)
    const lifted = await h.api('GET', '/api/v1/me', { key })
    expect(lifted.status).toBe(200)
    expect(lifted.body.data.plan.name).toBe('Pro')
    expect(lifted.headers.get('x-ratelimit-limit')).toBe('200')
  })
})
