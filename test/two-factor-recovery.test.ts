// 2FA recovery codes: ten single-use codes when 2FA goes on; each signs in once (never twice, even
// for two logins at once), regenerating voids the old ones, and disabling takes one too.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { hotp, totpStep } from '../src/accounts/totp'
import { recoveryCodes, users } from '../src/db/schema'

setDefaultTimeout(120_000) // argon2 on a busy machine

describe.each(engines)('2FA recovery codes on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true, env: { TRUST_PROXY: 'true' } }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  let ipSeq = 0
  const post = (path: string, body: unknown, key: string | null = null) =>
    h.api('POST', path, { key, body, headers: { 'x-forwarded-for': `10.7.${engines.indexOf(engine)}.${++ipSeq}` } })
  const login = (email: string, code?: string) => post('/api/auth/token', { email, password: 'correct-horse-1', ...(code ? { code } : {}) })

  /** An account with 2FA on: its JWT, its TOTP secret and the codes enabling answered. */
  async function withTwoFactor(email: string) {
    expect((await post('/api/auth/register', { email, password: 'correct-horse-1' })).status).toBe(201)
    const jwt = (await login(email)).body.token as string
    const { secret } = (await post('/api/auth/2fa/setup', {}, jwt)).body.data
    const enabled = await post('/api/auth/2fa/enable', { code: hotp(secret, totpStep(Date.now())) }, jwt)
    expect(enabled.status).toBe(200)
    return { jwt, secret, codes: enabled.body.data.recoveryCodes as string[] }
  }

  test('enabling answers ten distinct codes, stored only as hashes', async () => {
    const { codes } = await withTwoFactor('rc-ten@x.test')
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/)
    const [user] = await h.deps.db.select().from(users).where(eq(users.email, 'rc-ten@x.test'))
    const stored = await h.deps.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))
    expect(stored).toHaveLength(10)
    for (const row of stored) expect(codes).not.toContain(row.codeHash)
  })

  test('a code signs in once, whatever its case or dash, and never again', async () => {
    const { codes } = await withTwoFactor('rc-once@x.test')
    const typed = codes[0].toUpperCase().replace('-', '')
    const first = await login('rc-once@x.test', typed)
    expect(first.status).toBe(200)
    expect(first.body.token).toBeString()
    const again = await login('rc-once@x.test', codes[0])
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('INVALID_2FA_CODE')
    expect((await login('rc-once@x.test', codes[1])).status).toBe(200)
  })

  test('two logins at once with the same code: exactly one gets in', async () => {
    const { codes } = await withTwoFactor('rc-race@x.test')
    const answers = await Promise.all([login('rc-race@x.test', codes[2]), login('rc-race@x.test', codes[2])])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401])
  })

  test('a wrong code is refused as a wrong TOTP code is', async () => {
    await withTwoFactor('rc-wrong@x.test')
    const r = await login('rc-wrong@x.test', 'aaaaa-aaaaa')
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('INVALID_2FA_CODE')
  })

  test('new codes void the old ones; they need a current code and 2FA on', async () => {
    const { jwt, codes } = await withTwoFactor('rc-new@x.test')
    expect((await post('/api/auth/2fa/recovery-codes', { code: 'zzzzz-zzzzz' }, jwt)).body.error.code).toBe('INVALID_2FA_CODE')
    const fresh = await post('/api/auth/2fa/recovery-codes', { code: codes[0] }, jwt)
    expect(fresh.status).toBe(200)
    const next: string[] = fresh.body.data.recoveryCodes
    expect(next).toHaveLength(10)
    expect((await login('rc-new@x.test', codes[1])).body.error.code).toBe('INVALID_2FA_CODE')
    expect((await login('rc-new@x.test', next[0])).status).toBe(200)
    // With an API key, never: 2FA settings need the signed-in owner.
    expect((await h.api('POST', '/api/auth/2fa/recovery-codes', { body: { code: next[1] } })).status).toBe(403)
  })

  test('disabling takes a recovery code, and the codes go with 2FA', async () => {
    const { jwt, codes } = await withTwoFactor('rc-off@x.test')
    const off = await post('/api/auth/2fa/disable', { code: codes[3] }, jwt)
    expect(off.status).toBe(200)
    const [user] = await h.deps.db.select().from(users).where(eq(users.email, 'rc-off@x.test'))
    expect(await h.deps.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toEqual([])
    expect((await login('rc-off@x.test')).status).toBe(200)
    expect((await post('/api/auth/2fa/recovery-codes', { code: codes[4] }, jwt)).status).toBe(409)
  })
})
