// Revoking every key of an account at once: on its own route, and as part of a password reset
// (a reset after a break-in must be able to shut the intruder's keys out too).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHarness, createHarnessPair, engines, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { newKey, newUser } from './support/accounts'
import { startInbox, type Inbox } from './support/smtp-inbox'

setDefaultTimeout(60_000)

describe.each(engines)('revoking every key on %s', (engine) => {
  let h: Harness
  let inbox: Inbox
  beforeAll(async () => {
    inbox = await startInbox()
    h = await createHarness({ engine, redis: true, env: { SMTP_URL: inbox.url } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    await inbox.close()
  })

  const me = (key: string) => h.api('GET', '/api/v1/me', { key })

  test('POST /api/v1/keys/revoke-all with a JWT revokes every key of the account at once and says how many', async () => {
    const u = await newUser(h)
    const keys = [await newKey(h, u.jwt, 'a'), await newKey(h, u.jwt, 'b')]
    const other = await newUser(h)
    const otherKey = await newKey(h, other.jwt)
    for (const k of keys) expect((await me(k.key)).status).toBe(200) // cached by the caller cache
    const r = await h.api('POST', '/api/v1/keys/revoke-all', { key: u.jwt })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ success: true, data: { revoked: 2 } })
    for (const k of keys) {
      const refused = await me(k.key)
      expect(refused.status).toBe(401)
      expect(refused.body.error.code).toBe('API_KEY_INVALID')
    }
    expect((await h.api('GET', '/api/v1/keys', { key: u.jwt })).body.data).toEqual([])
    expect((await me(otherKey.key)).status).toBe(200)
    expect((await me(u.jwt)).status).toBe(200) // a JWT is not a key
    expect((await h.api('POST', '/api/v1/keys/revoke-all', { key: u.jwt })).body.data.revoked).toBe(0)
  })

  test('revoke-all with an API key revokes that key too; without credentials it is 401', async () => {
    const u = await newUser(h)
    const k = await newKey(h, u.jwt)
    expect((await h.api('POST', '/api/v1/keys/revoke-all', { key: null })).status).toBe(401)
    const r = await h.api('POST', '/api/v1/keys/revoke-all', { key: k.key })
    expect(r.body.data.revoked).toBe(1)
    expect((await me(k.key)).status).toBe(401)
  })

  test('the reset mail lists the account\'s keys masked, with names and last use; revokeKeys revokes them', async () => {
    const u = await newUser(h)
    const used = await newKey(h, u.jwt, 'deploy script')
    const idle = await newKey(h, u.jwt, 'laptop')
    expect((await me(used.key)).status).toBe(200)
    expect((await h.api('POST', '/api/auth/forgot-password', { key: null, body: { email: u.email } })).status).toBe(200)
    const [mail, token] = await inbox.waitFor(u.email, /reset the password[\s\S]*?token: ([A-Za-z0-9]{40})[\s\S]*$/)
    expect(mail).toContain(`${used.keyPreview}  "deploy script"  last used 20`)
    expect(mail).toContain(`${idle.keyPreview}  "laptop"  last used never`)
    expect(mail).not.toContain(used.key)
    const r = await h.api('POST', '/api/auth/reset-password', { key: null, body: { token, password: 'after-break-in-1', revokeKeys: true } })
    expect(r.status).toBe(200)
    expect(r.body.data).toEqual({ keysRevoked: 2 })
    for (const k of [used, idle]) expect((await me(k.key)).body.error.code).toBe('API_KEY_INVALID')
    expect((await me(u.jwt)).status).toBe(401) // JWTs issued before the reset, as always
  })

  test('a reset without revokeKeys leaves the keys working', async () => {
    const u = await newUser(h)
    const k = await newKey(h, u.jwt)
    await h.api('POST', '/api/auth/forgot-password', { key: null, body: { email: u.email } })
    const [, token] = await inbox.waitFor(u.email, /reset the password[\s\S]*?token: ([A-Za-z0-9]{40})/)
    const r = await h.api('POST', '/api/auth/reset-password', { key: null, body: { token, password: 'just-forgot-it-1' } })
    expect(r.body.data).toEqual({ keysRevoked: 0 })
    expect((await me(k.key)).status).toBe(200)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !redisUrl)('revoke-all on two instances', () => {
  let pair: HarnessPair
  beforeAll(async () => {
    pair = await createHarnessPair({ redis: true, env: { JWT_SECRET: 'a-shared-jwt-secret-of-at-least-32-chars' } })
  }, SETUP_TIMEOUT)
  afterAll(() => pair.close())

  test('keys revoked all at once on one instance are refused at once by the other', async () => {
    const { a, b } = pair
    const u = await newUser(a)
    const keys = [await newKey(a, u.jwt), await newKey(a, u.jwt)]
    for (const k of keys) expect((await b.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200) // b caches them
    expect((await a.api('POST', '/api/v1/keys/revoke-all', { key: u.jwt })).body.data.revoked).toBe(2)
    await Bun.sleep(50) // one pub/sub hop
    for (const k of keys) expect((await b.api('GET', '/api/v1/me', { key: k.key })).body.error.code).toBe('API_KEY_INVALID')
  })
})
