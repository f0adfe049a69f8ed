import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHarness, engines, redisUrl, SETUP_TIMEOUT, type Harness } from './support/harness'
import { newKey, newUser } from './support/accounts'

setDefaultTimeout(30_000)

describe.each(engines)('API keys on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('POST /keys shows the key once; GET /keys lists it masked without the hash', async () => {
    const u = await newUser(h)
    const created = await newKey(h, u.jwt, 'production')
    expect(created.key).toMatch(/^sk_live_[A-Za-z0-9]{40}$/)
    expect(created.id).toStartWith('key_')
    const list = await h.api('GET', '/api/v1/keys', { key: u.jwt })
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(1)
    const [item] = list.body.data
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'keyPreview', 'lastUsedAt', 'name'])
    expect(item.keyPreview).toBe(`${created.key.slice(0, 12)}...${created.key.slice(-4)}`)
    expect(JSON.stringify(list.body)).not.toContain(created.key)
  })

  test('an account holds at most its plan\'s keyLimit keys, even when created at once: one more is 403 with the limit', async () => {
    const u = await newUser(h)
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => h.api('POST', '/api/v1/keys', { key: u.jwt, body: { name: `k${i}` } })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5) // Free: 5 keys
    const refused = answers.filter((a) => a.status !== 201)
    expect(refused.map((a) => a.status)).toEqual([403, 403, 403])
    expect(refused[0].body.error).toMatchObject({ code: 'FORBIDDEN', limit: 5 })
    expect(refused[0].body.error.message).toContain('5 API keys')
    expect((await h.api('GET', '/api/v1/keys', { key: u.jwt })).body.data).toHaveLength(5)
  })

  test('revoking a key makes room for a new one under the keyLimit', async () => {
    const u = await newUser(h)
    const keys = [] as { id: string }[]
    for (let i = 0; i < 5; i++) keys.push(await newKey(h, u.jwt, `k${i}`))
    expect((await h.api('POST', '/api/v1/keys', { key: u.jwt, body: { name: 'one more' } })).status).toBe(403)
    expect((await h.api('DELETE', `/api/v1/keys/${keys[0].id}`, { key: u.jwt })).status).toBe(200)
    expect((await h.api('POST', '/api/v1/keys', { key: u.jwt, body: { name: 'one more' } })).status).toBe(201)
  })

  test('the new key authenticates in all three header forms', async () => {
    const u = await newUser(h)
    const { key } = await newKey(h, u.jwt)
    for (const headers of [{ authorization: `Bearer ${key}` }, { authorization: key }, { 'x-api-key': key }] as Record<string, string>[]) {
      const r = await h.api('GET', '/api/v1/me', { key: null, headers })
      expect(r.status).toBe(200)
      expect(r.body.data.email).toBe(u.email)
    }
  })

  test('POST /keys without a name is a 400 naming the field; without credentials a 401', async () => {
    const u = await newUser(h)
    const r = await h.api('POST', '/api/v1/keys', { key: u.jwt, body: {} })
    expect(r.status).toBe(400)
    expect(r.body.error.field).toBe('name')
    expect((await h.api('POST', '/api/v1/keys', { key: null, body: { name: 'x' } })).status).toBe(401)
    expect((await h.api('GET', '/api/v1/keys', { key: 'sk_live_' + 'a'.repeat(40) })).body.error.code).toBe('API_KEY_INVALID')
  })

  test('DELETE /keys/{id} revokes the key at once; another account cannot see or delete it', async () => {
    const u = await newUser(h)
    const other = await newUser(h)
    const k = await newKey(h, u.jwt)
    expect((await h.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200) // now cached
    expect((await h.api('DELETE', `/api/v1/keys/${k.id}`, { key: other.jwt })).status).toBe(404)
    const del = await h.api('DELETE', `/api/v1/keys/${k.id}`, { key: u.jwt })
    expect(del.status).toBe(200)
    expect(del.body.data).toBeNull()
    const after = await h.api('GET', '/api/v1/me', { key: k.key })
    expect(after.status).toBe(401)
    expect(after.body.error.code).toBe('API_KEY_INVALID')
    expect((await h.api('DELETE', `/api/v1/keys/${k.id}`, { key: u.jwt })).status).toBe(404)
  })

  test('POST /keys/{id}/regenerate gives a new value and the old one stops working', async () => {
    const u = await newUser(h)
    const k = await newKey(h, u.jwt, 'rotating')
    expect((await h.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200)
    const r = await h.api('POST', `/api/v1/keys/${k.id}/regenerate`, { key: u.jwt })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({ id: k.id, name: 'rotating' })
    expect(r.body.data.key).not.toBe(k.key)
    expect((await h.api('GET', '/api/v1/me', { key: k.key })).status).toBe(401)
    expect((await h.api('GET', '/api/v1/me', { key: r.body.data.key })).status).toBe(200)
  })

  test('GET /keys/{id}/usage counts requests per day for 30 days and lastUsedAt is set', async () => {
    const u = await newUser(h)
    const k = await newKey(h, u.jwt)
    for (let i = 0; i < 4; i++) expect((await h.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200)
    const usage = await h.api('GET', `/api/v1/keys/${k.id}/usage`, { key: u.jwt })
    expect(usage.status).toBe(200)
    expect(usage.body.data.days).toHaveLength(30)
    const today = new Date().toISOString().slice(0, 10)
    expect(usage.body.data.days.at(-1)).toEqual({ date: today, requests: 4 })
    expect(usage.body.data.total).toBe(4)
    const list = await h.api('GET', '/api/v1/keys', { key: u.jwt })
    expect(list.body.data[0].lastUsedAt).not.toBeNull()
    expect((await h.api('GET', `/api/v1/keys/key_nope/usage`, { key: u.jwt })).status).toBe(404)
  })

  test('key usage is not written to the database per request', async () => {
    const u = await newUser(h)
    const k = await newKey(h, u.jwt)
    for (let i = 0; i < 3; i++) await h.api('GET', '/api/v1/me', { key: k.key })
    const rows = await h.deps.db.execute(`select count(*)::int as n from api_key_usage where key_id = '${k.id}'` as never) as unknown
    const n = (rows as { rows?: { n: number }[] }).rows?.[0]?.n ?? (rows as { n: number }[])[0]?.n
    expect(n).toBe(0) // the recorder flushes on its own schedule (or when usage is read)
  })
})

describe.skipIf(!process.env.DATABASE_URL || !redisUrl)('API keys on two instances', () => {
  let a: Harness
  let b: Harness
  beforeAll(async () => {
    // Instances of one installation share JWT_SECRET (each harness would otherwise generate its own).
    const env = { JWT_SECRET: 'a-shared-jwt-secret-of-at-least-32-chars' }
    a = await createHarness({ engine: 'postgres', redis: true, env })
    b = await createHarness({ engine: 'postgres', redis: true, env, databaseUrl: a.databaseUrl!, redisPrefix: a.config.redisPrefix })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await b.close()
    await a.close()
  })

  test('a key revoked on one instance is refused at once by the other', async () => {
    const u = await newUser(a)
    const k = await newKey(a, u.jwt)
    expect((await b.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200) // b caches the key
    expect((await a.api('DELETE', `/api/v1/keys/${k.id}`, { key: u.jwt })).status).toBe(200)
    await Bun.sleep(50) // one pub/sub hop
    const r = await b.api('GET', '/api/v1/me', { key: k.key })
    expect(r.status).toBe(401)
    expect(r.body.error.code).toBe('API_KEY_INVALID')
  })

  test('a key regenerated on one instance stops working at once on the other', async () => {
    const u = await newUser(a)
    const k = await newKey(a, u.jwt)
    expect((await b.api('GET', '/api/v1/me', { key: k.key })).status).toBe(200)
    const r = await a.api('POST', `/api/v1/keys/${k.id}/regenerate`, { key: u.jwt })
    await Bun.sleep(50)
    expect((await b.api('GET', '/api/v1/me', { key: k.key })).status).toBe(401)
    expect((await b.api('GET', '/api/v1/me', { key: r.body.data.key })).status).toBe(200)
  })

  test('usage recorded on both instances adds up', async () => {
    const u = await newUser(a)
    const k = await newKey(a, u.jwt)
    for (let i = 0; i < 3; i++) await a.api('GET', '/api/v1/me', { key: k.key })
    for (let i = 0; i < 2; i++) await b.api('GET', '/api/v1/me', { key: k.key })
    await b.api('GET', `/api/v1/keys/${k.id}/usage`, { key: u.jwt }) // flushes b
    const usage = await a.api('GET', `/api/v1/keys/${k.id}/usage`, { key: u.jwt })
    expect(usage.body.data.total).toBe(5)
  })
})
