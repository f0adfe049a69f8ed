// Webhook signing secrets and TOTP secrets are stored sealed (AES-256-GCM), keys rotate, pending
// TOTP setups expire, and in production mail tokens never reach the log.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { startReceiver, type Received, type Receiver } from './support/webhook-receiver'
import { recordingLogger } from './support/clicks'
import { users, webhookEndpoints } from '../src/db/schema'
import { sealStoredSecrets, totpSecretPlace, webhookSecretPlace } from '../src/db/seal-secrets'
import { keyIdOf, openSecret } from '../src/shared/secret-box'
import { sendSigned } from '../src/webhooks/attempt'
import { hotp, newTotpSecret, totpStep } from '../src/accounts/totp'
import { ConfigError, loadConfig } from '../src/config'
import { silentLogger } from '../src/shared/log'

/** What a receiver does: HMAC-SHA256 of "t.body" keyed by the secret, hex. */
function signedWith(r: Received, secret: string): boolean {
  const [t, v1] = r.headers['x-webhook-signature'].split(',').map((p) => p.split('=')[1])
  return createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex') === v1
}

describe.each(engines)('secrets at rest on %s', (engine) => {
  let h: Harness
  let rx: Receiver
  let clock = Date.now()
  beforeAll(async () => {
    rx = startReceiver()
    h = await createHarness({ engine, env: { WEBHOOK_ALLOW_PRIVATE: 'true' }, overrides: { now: () => new Date(clock) } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    rx.close()
    await h.close()
  })

  const storedWebhookSecret = async (id: string) =>
    (await h.deps.db.select({ s: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0].s
  const ping = async (id: string) => {
    rx.received.length = 0
    expect((await h.api('POST', `/api/v1/webhooks/${id}/test`)).status).toBe(200)
    return rx.received[0]
  }

  test('a webhook secret is stored sealed, never as its text, and deliveries are still signed with it', async () => {
    const w = (await h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'] } })).body.data
    const stored = await storedWebhookSecret(w.id)
    expect(stored).toStartWith(`enc:v1:${keyIdOf(h.config.secretsKeys.current)}:`)
    expect(stored).not.toContain(w.secret)
    expect(stored).not.toContain(w.secret.slice('whsec_'.length))
    expect(signedWith(await ping(w.id), w.secret)).toBe(true)

    const rotated = (await h.api('POST', `/api/v1/webhooks/${w.id}/rotate-secret`)).body.data.secret
    expect(await storedWebhookSecret(w.id)).not.toContain(rotated.slice('whsec_'.length))
    expect(signedWith(await ping(w.id), rotated)).toBe(true)
  })

  test('a sealed secret copied into another row does not open there', async () => {
    const w = (await h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'] } })).body.data
    const stored = await storedWebhookSecret(w.id)
    expect(() => openSecret(h.config.secretsKeys, stored, webhookSecretPlace('whk_other'))).toThrow()
  })

  test('plaintext rows from before encryption keep working and are sealed at the next start', async () => {
    const w = (await h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'] } })).body.data
    const legacy = `whsec_${randomBytes(32).toString('base64')}`
    await h.deps.db.update(webhookEndpoints).set({ secret: legacy }).where(eq(webhookEndpoints.id, w.id))
    const [admin] = await h.deps.db.select().from(users).where(eq(users.email, h.adminEmail))
    const totp = newTotpSecret()
    await h.deps.db.update(users).set({ totpSecret: totp }).where(eq(users.id, admin.id))
    expect(signedWith(await ping(w.id), legacy)).toBe(true) // read as it is

    const { sealed } = await sealStoredSecrets(h.deps.db, h.config, silentLogger)
    expect(sealed).toBeGreaterThanOrEqual(2)
    expect(await storedWebhookSecret(w.id)).not.toContain(legacy.slice('whsec_'.length))
    const [after] = await h.deps.db.select().from(users).where(eq(users.id, admin.id))
    expect(after.totpSecret).not.toContain(totp)
    expect(openSecret(h.config.secretsKeys, after.totpSecret!, totpSecretPlace(admin.id))).toBe(totp)
    expect(signedWith(await ping(w.id), legacy)).toBe(true)
    expect((await sealStoredSecrets(h.deps.db, h.config, silentLogger)).sealed).toBe(0) // once
    await h.deps.db.update(users).set({ totpSecret: null }).where(eq(users.id, admin.id))
  })

  test('key rotation: with the new SECRETS_KEY and the old one as SECRETS_KEY_PREVIOUS, rows open, are sealed again, and then need only the new key', async () => {
    const w = (await h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'] } })).body.data
    const newKey = randomBytes(32)
    const rotated = { current: newKey, previous: [h.config.secretsKeys.current] }
    const endpoint = (await h.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, w.id)))[0]
    const deps = { ...h.deps, config: { ...h.config, secretsKeys: rotated } }
    rx.received.length = 0
    await sendSigned(deps, endpoint, { eventId: 'evt_rot', eventType: 'ping', body: '{}' }) // old row, new config
    expect(signedWith(rx.received[0], w.secret)).toBe(true)

    expect((await sealStoredSecrets(h.deps.db, { secretsKeys: rotated }, silentLogger)).sealed).toBeGreaterThanOrEqual(1)
    const resealed = await storedWebhookSecret(w.id)
    expect(resealed).toStartWith(`enc:v1:${keyIdOf(newKey)}:`)
    expect(openSecret({ current: newKey, previous: [] }, resealed, webhookSecretPlace(w.id))).toBe(w.secret)
    // The old key alone no longer opens it: the previous key can be retired.
    expect(() => openSecret({ current: h.config.secretsKeys.current, previous: [] }, resealed, webhookSecretPlace(w.id))).toThrow(/SECRETS_KEY_PREVIOUS/)
    // Back to the harness's key for the other tests.
    await sealStoredSecrets(h.deps.db, { secretsKeys: { current: h.config.secretsKeys.current, previous: [newKey] } }, silentLogger)
  })

  describe('TOTP', () => {
    const login = async () => (await h.api('POST', '/api/auth/login', { key: null, body: { email: h.adminEmail, password: h.adminPassword } })).body.token as string

    test('the secret is stored sealed, and enabling with a code from it works', async () => {
      const jwt = await login()
      const { secret } = (await h.api('POST', '/api/auth/2fa/setup', { key: jwt })).body.data
      const [row] = await h.deps.db.select().from(users).where(eq(users.email, h.adminEmail))
      expect(row.totpSecret).toStartWith('enc:v1:')
      expect(row.totpSecret).not.toContain(secret)
      const r = await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: hotp(secret, totpStep(clock)) } })
      expect(r.status).toBe(200)
      const off = await h.api('POST', '/api/auth/2fa/disable', { key: jwt, body: { code: hotp(secret, totpStep(clock) + 1) } })
      expect(off.status).toBe(200)
    })

    test('a setup not enabled within 15 minutes expires: enabling fails with a clear error and the secret is cleared', async () => {
      const jwt = await login()
      const { secret } = (await h.api('POST', '/api/auth/2fa/setup', { key: jwt })).body.data
      clock += 16 * 60_000
      const r = await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: hotp(secret, totpStep(clock)) } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.message).toContain('expired')
      const [row] = await h.deps.db.select().from(users).where(eq(users.email, h.adminEmail))
      expect(row).toMatchObject({ totpSecret: null, totpEnabled: false })
      // A new setup works again.
      const again = (await h.api('POST', '/api/auth/2fa/setup', { key: jwt })).body.data.secret
      clock += 14 * 60_000
      expect((await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: hotp(again, totpStep(clock)) } })).status).toBe(200)
    })
  })
})

describe('SECRETS_KEY', () => {
  test('is generated once into DATA_DIR when not given, and a malformed one is refused naming the variable', () => {
    const d = mkdtempSync(join(tmpdir(), 'kurz-seckey-'))
    try {
      const first = loadConfig({ DATA_DIR: d })
      expect(first.secretsKeys.current).toHaveLength(32)
      expect(loadConfig({ DATA_DIR: d }).secretsKeys.current.equals(first.secretsKeys.current)).toBe(true)
      expect(JSON.parse(readFileSync(join(d, 'secrets.json'), 'utf8')).SECRETS_KEY).toBeString()
      const given = randomBytes(32)
      const c = loadConfig({ DATA_DIR: d, SECRETS_KEY: given.toString('base64'), SECRETS_KEY_PREVIOUS: first.secretsKeys.current.toString('hex') })
      expect(c.secretsKeys.current.equals(given)).toBe(true)
      expect(c.secretsKeys.previous[0].equals(first.secretsKeys.current)).toBe(true)
      expect(() => loadConfig({ DATA_DIR: d, SECRETS_KEY: 'too-short' })).toThrow(ConfigError)
      expect(() => loadConfig({ DATA_DIR: d, SECRETS_KEY: 'too-short' })).toThrow(/SECRETS_KEY/)
      expect(() => loadConfig({ DATA_DIR: d, SECRETS_KEY_PREVIOUS: 'nope' })).toThrow(/SECRETS_KEY_PREVIOUS/)
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})

describe('mail tokens and the log', () => {
  const flow = async (env: Record<string, string>) => {
    const rec = recordingLogger()
    const h = await createHarness({ env, overrides: { log: rec.log } })
    try {
      await h.api('POST', '/api/auth/register', { key: null, body: { email: 'prod@x.test', password: 'correct-horse-1', name: 'P' } })
      await h.api('POST', '/api/auth/forgot-password', { key: null, body: { email: 'prod@x.test' } })
      await Bun.sleep(50)
      return rec.lines.filter((l) => /email/.test(l.msg))
    } finally {
      await h.close()
    }
  }

  test('in production without SMTP the log says which mail was not sent to whom, never its content', async () => {
    const lines = await flow({ NODE_ENV: 'production' })
    expect(lines.map((l) => l.fields)).toEqual([
      { to: 'prod@x.test', kind: 'verify-email' },
      { to: 'prod@x.test', kind: 'password-reset' },
    ])
    expect(lines.every((l) => l.msg === 'email not sent: no SMTP_URL set')).toBe(true)
    expect(JSON.stringify(lines)).not.toContain('token')
  }, SETUP_TIMEOUT)

  test('in development (or MAIL_LOG_CONTENT=true) the log shows the mail, so a single instance can verify', async () => {
    const lines = await flow({ MAIL_LOG_CONTENT: 'true', NODE_ENV: 'production' })
    expect(lines).toHaveLength(2)
    expect(String(lines[0].fields?.text)).toContain('token: ')
  }, SETUP_TIMEOUT)
})
