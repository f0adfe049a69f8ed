// Abuse of the unauthenticated account routes: mail bombing through forgot-password, telling
// registered addresses apart, argon2 floods through register, and lockouts of an account's owner.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { clearOfWindowEdge, HOUR_MS, QUARTER_HOUR_MS } from './support/windows'
import { startInbox, type Inbox } from './support/smtp-inbox'
import { backgroundIdle } from '../src/accounts/background'
import type { TCPSocketListener } from 'bun'

setDefaultTimeout(60_000)

describe.each(engines)('account abuse limits on %s', (engine) => {
  let h: Harness
  let inbox: Inbox
  beforeAll(async () => {
    inbox = await startInbox()
    h = await createHarness({ engine, redis: true, env: { SMTP_URL: inbox.url, TRUST_PROXY: 'true', REGISTER_LIMIT_PER_IP: '4' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    await inbox.close()
  })

  // Each request comes from its own address unless a test names one.
  let ipSeq = 0
  const freshIp = () => `10.${20 + engines.indexOf(engine)}.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`
  const post = (path: string, body: unknown, ip = freshIp()) =>
    h.api('POST', path, { key: null, body, headers: { 'x-forwarded-for': ip } })
  const settled = async () => {
    await backgroundIdle(h.deps)
    await h.deps.mailer.idle()
  }
  const mailsTo = (to: string, pattern: RegExp) => inbox.messages.filter((m) => m.to.includes(to) && pattern.test(m.raw)).length

  async function registered(email: string, password = 'correct-horse-1') {
    const r = await post('/api/auth/register', { email, password })
    expect(r.status).toBe(201)
    return r.body.data.user
  }

  test('a burst of forgot-password requests for one address sends 3 mails; the rest get 429 with Retry-After', async () => {
    await registered('bombed@x.test')
    await clearOfWindowEdge(HOUR_MS)
    const answers = await Promise.all(Array.from({ length: 30 }, () => post('/api/auth/forgot-password', { email: 'Bombed@x.test' })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3)
    const refused = answers.filter((a) => a.status === 429)
    expect(refused).toHaveLength(27)
    for (const r of refused) {
      expect(r.body).toMatchObject({ success: false, data: null, error: { code: 'RATE_LIMIT_EXCEEDED' } })
      expect(r.body.error.retryAfter).toBeGreaterThan(0)
      expect(Number(r.headers.get('retry-after'))).toBe(r.body.error.retryAfter)
    }
    await settled()
    expect(mailsTo('bombed@x.test', /reset the password/)).toBe(3)
  })

  test('more than 10 forgot-password requests from one IP in an hour get 429, whatever the emails', async () => {
    const ip = `192.168.${engines.indexOf(engine)}.7`
    await clearOfWindowEdge(HOUR_MS)
    for (let i = 0; i < 10; i++) expect((await post('/api/auth/forgot-password', { email: `spray${i}@x.test` }, ip)).status).toBe(200)
    const r = await post('/api/auth/forgot-password', { email: 'spray-last@x.test' }, ip)
    expect(r.status).toBe(429)
    expect(r.body.error.code).toBe('RATE_LIMIT_EXCEEDED')
  })

  test('forgot-password answers a known and an unknown address with the same status and body', async () => {
    await registered('known@x.test')
    const known = await post('/api/auth/forgot-password', { email: 'known@x.test' })
    const unknown = await post('/api/auth/forgot-password', { email: 'unknown@x.test' })
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect(known.body).toEqual(unknown.body)
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort())
    await settled()
    expect(mailsTo('known@x.test', /reset the password/)).toBe(1)
    expect(mailsTo('unknown@x.test', /./)).toBe(0)
  })

  test('a registration from an IP past its hourly limit gets 429 (before any password hashing)', async () => {
    const ip = `172.16.${engines.indexOf(engine)}.9`
    await clearOfWindowEdge(HOUR_MS)
    for (let i = 0; i < 4; i++)
      expect((await post('/api/auth/register', { email: `flood${i}@x.test`, password: 'flood-pass-1' }, ip)).status).toBe(201)
    const r = await post('/api/auth/register', { email: 'flood-last@x.test', password: 'flood-pass-1' }, ip)
    expect(r.status).toBe(429)
    expect(r.body.error.code).toBe('RATE_LIMIT_EXCEEDED')
    expect(Number(r.headers.get('retry-after'))).toBe(r.body.error.retryAfter)
    expect((await post('/api/auth/login', { email: 'flood-last@x.test', password: 'flood-pass-1' })).status).toBe(401)
  })

  test('registering a taken address answers 409 EMAIL_TAKEN and mails the owner at most once an hour', async () => {
    await registered('owner@x.test')
    for (const email of ['owner@x.test', 'Owner@X.test', 'OWNER@x.test']) {
      const r = await post('/api/auth/register', { email, password: 'newcomer-pass-1' })
      expect(r.status).toBe(409)
      expect(r.body).toMatchObject({ success: false, data: null, error: { code: 'EMAIL_TAKEN', field: 'email' } })
    }
    await settled()
    expect(mailsTo('owner@x.test', /already exists/)).toBe(1)
    expect((await post('/api/auth/login', { email: 'owner@x.test', password: 'newcomer-pass-1' })).status).toBe(401)
    expect((await post('/api/auth/login', { email: 'owner@x.test', password: 'correct-horse-1' })).status).toBe(200)
  })

  test('an email locked by wrong passwords still lets its owner in from an address that signed in before', async () => {
    await registered('locked@x.test')
    const home = `10.99.${engines.indexOf(engine)}.1`
    await clearOfWindowEdge(QUARTER_HOUR_MS)
    expect((await post('/api/auth/login', { email: 'locked@x.test', password: 'correct-horse-1' }, home)).status).toBe(200)
    for (let i = 0; i < 10; i++) await post('/api/auth/login', { email: 'locked@x.test', password: 'guess-guess' })
    const elsewhere = await post('/api/auth/login', { email: 'locked@x.test', password: 'correct-horse-1' })
    expect(elsewhere.status).toBe(429)
    const wrongAtHome = await post('/api/auth/login', { email: 'locked@x.test', password: 'guess-guess' }, home)
    expect(wrongAtHome.status).toBe(401)
    const atHome = await post('/api/auth/login', { email: 'locked@x.test', password: 'correct-horse-1' }, home)
    expect(atHome.status).toBe(200)
  })
})

describe('forgot-password with an SMTP server that never answers', () => {
  let h: Harness
  let blackhole: TCPSocketListener
  beforeAll(async () => {
    // Accepts connections and never greets: a mail stuck there must not hold the answer.
    blackhole = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    h = await createHarness({ env: { SMTP_URL: `smtp://127.0.0.1:${blackhole.port}` } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    blackhole.stop(true)
  })

  test('answers a registered address at once, without waiting for the mail', async () => {
    const started = Date.now()
    const r = await h.api('POST', '/api/auth/forgot-password', { key: null, body: { email: h.adminEmail } })
    expect(r.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(5_000) // nodemailer waits 30 s for a greeting
  })
})
