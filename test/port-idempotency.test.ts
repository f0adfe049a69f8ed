// Idempotency-Key on POST /api/v1: replay, mismatch, in progress, per account, across two instances.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, createHarnessPair, engines, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { createUser } from './support/users'
import { randomBase62 } from '../src/shared/ids'

const withKey = (key: string) => ({ 'idempotency-key': key })

for (const engine of engines) {
  describe(`Idempotency-Key (${engine})`, () => {
    let h: Harness
    beforeAll(async () => { h = await createHarness({ engine, redis: engine === 'postgres' }) }, SETUP_TIMEOUT)
    afterAll(async () => { await h.close() }, SETUP_TIMEOUT)

    test('the same key and body answer the first response again, marked as replayed, and create one link', async () => {
      const key = randomBase62(12)
      const body = { url: 'https://example.com/idem', slug: `idem-${key}` }
      const first = await h.api('POST', '/api/v1/links', { body, headers: withKey(key) })
      expect(first.status).toBe(201)
      expect(first.headers.get('idempotent-replayed')).toBeNull()
      const again = await h.api('POST', '/api/v1/links', { body, headers: withKey(key) })
      expect(again.status).toBe(201)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(again.body).toEqual(first.body)
      expect(again.headers.get('x-ratelimit-limit')).not.toBeNull()
    })

    test('the same key with another body is a 422 and changes nothing', async () => {
      const key = randomBase62(12)
      await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/a', slug: `a-${key}` }, headers: withKey(key) })
      const other = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/b', slug: `b-${key}` }, headers: withKey(key) })
      expect(other.status).toBe(422)
      expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
      expect((await h.api('GET', `/api/v1/links/b-${key}`)).status).toBe(404)
    })

    test('the same key on another route is a 422', async () => {
      const key = randomBase62(12)
      await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/r', slug: `r-${key}` }, headers: withKey(key) })
      const other = await h.api('POST', '/api/v1/links/bulk', { body: { links: [] }, headers: withKey(key) })
      expect(other.status).toBe(422)
    })

    test('a request refused by validation is not saved: the retry with a valid body runs', async () => {
      const key = randomBase62(12)
      const bad = await h.api('POST', '/api/v1/links', { body: { url: 5 }, headers: withKey(key) })
      expect(bad.status).toBe(400)
      const good = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/ok' }, headers: withKey(key) })
      expect(good.status).toBe(201)
      expect(good.headers.get('idempotent-replayed')).toBeNull()
    })

    test('an endpoint refusal (409 slug taken) is saved and replayed', async () => {
      const slug = `taken-${randomBase62(6)}`
      await h.createLink({ url: 'https://example.com/t', slug })
      const key = randomBase62(12)
      const first = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/t2', slug }, headers: withKey(key) })
      expect(first.status).toBe(409)
      const again = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/t2', slug }, headers: withKey(key) })
      expect(again.status).toBe(409)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
    })

    test('keys belong to one account: another account with the same key gets its own answer', async () => {
      const other = await createUser(h, { plan: 'Business' })
      const key = randomBase62(12)
      const mine = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/m' }, headers: withKey(key) })
      const theirs = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/m' }, headers: withKey(key), key: other.key })
      expect(theirs.status).toBe(201)
      expect(theirs.headers.get('idempotent-replayed')).toBeNull()
      expect(theirs.body.data.id).not.toBe(mine.body.data.id)
    })

    test('a key that is empty or too long is a 400 on the header', async () => {
      const long = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x' }, headers: withKey('k'.repeat(256)) })
      expect(long.status).toBe(400)
      expect(long.body.error.field).toBe('Idempotency-Key')
    })

    test('a request without a key, and a GET with one, are untouched', async () => {
      const a = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/n' } })
      const b = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/n' } })
      expect(a.body.data.id).not.toBe(b.body.data.id)
      const list = await h.api('GET', '/api/v1/links', { headers: withKey('g') })
      expect(list.status).toBe(200)
      expect(list.headers.get('idempotent-replayed')).toBeNull()
    })

    test('concurrent retries with one key create one link: the others are 409 in progress or the replay', async () => {
      const key = randomBase62(12)
      const body = { url: 'https://example.com/c', slug: `c-${key}` }
      const answers = await Promise.all(Array.from({ length: 8 }, () => h.api('POST', '/api/v1/links', { body, headers: withKey(key) })))
      const created = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)
      expect(created.length).toBe(1)
      for (const a of answers) {
        if (a.status === 409) expect(a.body.error.code).toBe('IDEMPOTENCY_KEY_IN_USE')
        else expect(a.body.data.id).toBe(created[0].body.data.id)
      }
    })
  })
}

describe.skipIf(!(process.env.DATABASE_URL && redisUrl))('Idempotency-Key across two instances (PostgreSQL + Redis)', () => {
  let pair: HarnessPair
  beforeAll(async () => { pair = await createHarnessPair({ redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await pair.close() }, SETUP_TIMEOUT)

  test('concurrent retries on both instances create one link, and each instance replays it afterwards', async () => {
    const key = randomBase62(12)
    const body = { url: 'https://example.com/pair', slug: `pair-${key}` }
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? pair.b : pair.a).api('POST', '/api/v1/links', { body, headers: withKey(key), key: pair.a.adminKey })))
    const firsts = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)
    expect(firsts.length).toBe(1)
    expect(answers.every((a) => a.status === 201 || (a.status === 409 && a.body.error.code === 'IDEMPOTENCY_KEY_IN_USE'))).toBe(true)
    for (const h of [pair.a, pair.b]) {
      const again = await h.api('POST', '/api/v1/links', { body, headers: withKey(key), key: pair.a.adminKey })
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(again.body.data.id).toBe(firsts[0].body.data.id)
    }
    const one = await pair.b.api('GET', `/api/v1/links/pair-${key}`, { key: pair.a.adminKey })
    expect(one.body.data.id).toBe(firsts[0].body.data.id)
  })
})
