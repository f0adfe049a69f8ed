import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../src/config'
import { MissLimiter } from '../src/redirect/miss-limit'
import { groupOf } from '../src/shared/request'
import type { Running } from '../src/server'
import { createHarness, createHarnessPair, engines, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { proxiedTestDatabase } from './support/tcp-proxy'

setDefaultTimeout(30_000)

// Mid-minute, so that a test never straddles a window unless it moves the clock.
const START = Date.UTC(2030, 4, 15, 12, 0, 20)
const LIMIT = '5'
const env = { REDIRECT_MISS_LIMIT_PER_MINUTE: LIMIT, TRUST_PROXY: '1' }
let seq = 0
const unknown = () => `no-such-${++seq}-${Date.now()}`
const visit = (s: Running, path: string, address: string) =>
  fetch(`${s.url}${path}`, { redirect: 'manual', headers: { 'x-forwarded-for': address } })

describe.each(engines)('unknown slugs per client address on %s', (engine) => {
  let h: Harness
  let s: Running
  let clock = START
  beforeAll(async () => {
    h = await createHarness({ engine, redis: true, env, overrides: { now: () => new Date(clock) } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('past its misses of the minute a client gets 429 with Retry-After in the envelope; other addresses and the next minute are free', async () => {
    const client = '203.0.113.1'
    for (let i = 0; i < 5; i++) expect((await visit(s, `/${unknown()}`, client)).status).toBe(404)
    const refusedBefore = h.deps.metrics.redirectMissesLimited
    const res = await visit(s, `/${unknown()}`, client)
    expect(res.status).toBe(429)
    expect(h.deps.metrics.redirectMissesLimited).toBe(refusedBefore + 1) // kurz_redirect_miss_limited_total
    expect(res.headers.get('retry-after')).toBe('40')
    expect(await res.json()).toMatchObject({ success: false, data: null, error: { code: 'RATE_LIMIT_EXCEEDED', retryAfter: 40, limit: 5 } })
    expect((await visit(s, `/${unknown()}`, '203.0.113.2')).status).toBe(404)
    clock += 60_000
    expect((await visit(s, `/${unknown()}`, client)).status).toBe(404)
  })

  test('known links are never limited: found ones do not count, and a cached one is served past the limit', async () => {
    const client = '203.0.113.3'
    for (let i = 0; i < 8; i++) {
      await h.createLink({ url: `https://example.com/known-${i}`, slug: `known-${engine}-${i}` })
      expect((await visit(s, `/known-${engine}-${i}`, client)).status).toBe(302)
    }
    for (let i = 0; i < 5; i++) expect((await visit(s, `/${unknown()}`, client)).status).toBe(404)
    expect((await visit(s, `/${unknown()}`, client)).status).toBe(429)
    for (let i = 0; i < 8; i++) expect((await visit(s, `/known-${engine}-${i}`, client)).status).toBe(302)
  })

  test('a burst of distinct unknown slugs at once: exactly the limit are looked up, the rest refused', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => visit(s, `/${unknown()}`, '203.0.113.4')))
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((st) => st === 404)).toHaveLength(5)
    expect(statuses.filter((st) => st === 429)).toHaveLength(25)
  })

  test('the typed-link page shares the allowance: past it, 429 in the envelope with Retry-After', async () => {
    const client = '203.0.113.5'
    for (let i = 0; i < 5; i++) expect((await visit(s, `/l/${unknown()}`, client)).status).toBe(404)
    const res = await visit(s, `/l/${unknown()}`, client)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await res.json()) as any).error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', limit: 5 })
  })

  test('an IPv6 client counts per /64: another address of the same /64 is refused too', async () => {
    for (let i = 0; i < 5; i++) expect((await visit(s, `/${unknown()}`, `2001:db8:1:2::${i + 1}`)).status).toBe(404)
    expect((await visit(s, `/${unknown()}`, '2001:db8:1:2:ffff::9')).status).toBe(429)
    expect((await visit(s, `/${unknown()}`, '2001:db8:1:3::1')).status).toBe(404)
  })
})

// Without Redis nothing but the database answers a link this instance has not cached yet.
describe.each(engines)('many clients behind one address ask for a new link at once, without Redis, on %s', (engine) => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ engine, env, overrides: { now: () => new Date(START) } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('they share one look-up: every one is redirected, none refused, and none counts as a miss', async () => {
    await h.createLink({ url: 'https://example.com/shared-at-once', slug: 'shared-at-once' })
    const client = '198.51.100.1'
    const answers = await Promise.all(Array.from({ length: 50 }, () => visit(s, '/shared-at-once', client)))
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(302))
    // The allowance is whole: as many unknown slugs as the limit, then a refusal.
    for (let i = 0; i < 5; i++) expect((await visit(s, `/${unknown()}`, client)).status).toBe(404)
    expect((await visit(s, `/${unknown()}`, client)).status).toBe(429)
  })
})

describe.skipIf(!process.env.DATABASE_URL)('past the limit, nothing reaches PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof proxiedTestDatabase>>
  let h: Harness
  let s: Running
  beforeAll(async () => {
    db = await proxiedTestDatabase()
    h = await createHarness({ engine: 'postgres', databaseUrl: db.url, env })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    db.proxy.restore()
    await h.close()
    await db.drop()
  }, SETUP_TIMEOUT)

  test('with the database cut, a client past its limit still gets 429 (a query would have been a 503)', async () => {
    const client = '203.0.113.6'
    for (let i = 0; i < 5; i++) expect((await visit(s, `/${unknown()}`, client)).status).toBe(404)
    db.proxy.cut()
    try {
      expect((await visit(s, `/${unknown()}`, client)).status).toBe(429)
      expect((await visit(s, `/${unknown()}`, '203.0.113.7')).status).toBe(503) // under the limit: it did ask
    } finally {
      db.proxy.restore()
    }
  }, SETUP_TIMEOUT)
})

describe.skipIf(!process.env.DATABASE_URL || !redisUrl)('past the limit, on two instances', () => {
  let pair: HarnessPair
  let sb: Running
  beforeAll(async () => {
    pair = await createHarnessPair({ redis: true, env })
    sb = await pair.b.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await pair.close() })

  test('a link the shared cache knows is still served to a client past its limit', async () => {
    await pair.a.createLink({ url: 'https://example.com/shared', slug: 'shared-known' })
    const sa = await pair.a.listen()
    expect((await visit(sa, '/shared-known', '203.0.113.8')).status).toBe(302) // fills Redis
    const client = '203.0.113.9'
    for (let i = 0; i < 5; i++) expect((await visit(sb, `/${unknown()}`, client)).status).toBe(404)
    expect((await visit(sb, `/${unknown()}`, client)).status).toBe(429)
    const res = await visit(sb, '/shared-known', client)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/shared')
  })
})

describe('the miss limiter', () => {
  test('IPv6 addresses group by /64, IPv4 ones stay whole', () => {
    expect(groupOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(groupOf('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64')
    expect(groupOf('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(groupOf('::1')).toBe('0:0:0:0::/64')
    expect(groupOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(groupOf('203.0.113.1')).toBe('203.0.113.1')
    expect(groupOf('::ffff:203.0.113.1')).toBe('::ffff:203.0.113.1')
  })

  test('a released look-up gives its place back; a new window starts afresh', () => {
    const m = new MissLimiter(2)
    const t = START
    expect([m.acquire('a', t), m.acquire('a', t)]).toEqual([0, 0])
    expect(m.acquire('a', t)).toBe(40)
    m.release('a', t)
    expect(m.acquire('a', t)).toBe(0)
    expect(m.acquire('a', t + 60_000)).toBe(0)
  })

  test('REDIRECT_MISS_LIMIT_PER_MINUTE: 60 by default, 0 turns it off, anything else is refused naming it', () => {
    const dir = () => mkdtempSync(join(tmpdir(), 'kurz-miss-'))
    expect(loadConfig({ DATA_DIR: dir() }).redirectMissLimitPerMinute).toBe(60)
    expect(loadConfig({ DATA_DIR: dir(), REDIRECT_MISS_LIMIT_PER_MINUTE: '0' }).redirectMissLimitPerMinute).toBe(0)
    expect(() => loadConfig({ DATA_DIR: dir(), REDIRECT_MISS_LIMIT_PER_MINUTE: 'lots' })).toThrow(ConfigError)
    expect(() => loadConfig({ DATA_DIR: dir(), REDIRECT_MISS_LIMIT_PER_MINUTE: '-1' })).toThrow(/REDIRECT_MISS_LIMIT_PER_MINUTE/)
  })
})
