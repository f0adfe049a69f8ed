// Two instances sharing PostgreSQL and Redis, and what happens when either goes away.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Subprocess } from 'bun'
import type { Running } from '../src/server'
import { createHarness, createHarnessPair, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { proxiedTestDatabase, type TcpProxy } from './support/tcp-proxy'
import { within } from './support/poll'
import { freePort } from './support/ports'

const servers = Boolean(process.env.DATABASE_URL && redisUrl)

const location = (s: Running, slug: string) =>
  fetch(`${s.url}/${slug}`, { redirect: 'manual' }).then((r) => (r.status === 302 ? r.headers.get('location') : String(r.status)))

describe.skipIf(!servers)('two instances sharing PostgreSQL and Redis', () => {
  let pair: HarnessPair
  let a: Harness
  let sa: Running
  let sb: Running
  beforeAll(async () => {
    pair = await createHarnessPair({ redis: true })
    a = pair.a
    sa = await a.listen()
    sb = await pair.b.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await pair.close() }, SETUP_TIMEOUT)

  test('an update, a disable and a delete on one instance reach the other within 1 s', async () => {
    await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/one', slug: 'shared' } })
    expect(await location(sb, 'shared')).toBe('https://example.com/one') // now in B's LRU
    await a.api('PATCH', '/api/v1/links/shared', { body: { url: 'https://example.com/two' } })
    expect(await within(1000, 'https://example.com/two', () => location(sb, 'shared'))).toBe('https://example.com/two')
    await a.api('PATCH', '/api/v1/links/shared', { body: { status: 'DISABLED' } })
    expect(await within(1000, '404', () => location(sb, 'shared'))).toBe('404')
    await a.api('PATCH', '/api/v1/links/shared', { body: { status: 'ACTIVE' } })
    expect(await within(1000, 'https://example.com/two', () => location(sb, 'shared'))).toBe('https://example.com/two')
    await a.api('DELETE', '/api/v1/links/shared')
    expect(await within(1000, '404', () => location(sb, 'shared'))).toBe('404')
  })

  test('a slug that one instance cached as unknown redirects on it as soon as the other creates it', async () => {
    expect(await location(sb, 'born-later')).toBe('404')
    await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/born', slug: 'born-later' } })
    expect(await within(1000, 'https://example.com/born', () => location(sb, 'born-later'))).toBe('https://example.com/born')
  })

  test('a single-use link redirects once across both instances', async () => {
    await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/once', slug: 'shared-once', singleUse: true } })
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      fetch(`${(i % 2 ? sa : sb).url}/shared-once`, { redirect: 'manual' }).then((r) => r.status)))
    expect(answers.filter((s) => s === 302)).toHaveLength(1)
    expect(answers.filter((s) => s === 410)).toHaveLength(19)
  })
})

describe.skipIf(!servers)('when Redis goes away', () => {
  let redis: Subprocess
  let port: number
  let pair: HarnessPair
  let a: Harness
  let b: Harness
  let sa: Running
  let sb: Running
  const startRedis = () => Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdout: 'pipe', stderr: 'pipe' })
  const redisAnswers = async () => {
    for (let i = 0; i < 100 && redis.exitCode === null; i++) {
      const ok = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } }).then((s) => (s.end(), true), () => false)
      if (ok) return
      await Bun.sleep(50)
    }
    // (its log says why, once it has exited; a server still running is not read, or this would wait)
    const log = redis.exitCode === null ? 'still running' : `exited with ${redis.exitCode}: ${(await new Response(redis.stdout as ReadableStream).text()).trim().split('\n').slice(-3).join(' | ')}`
    throw new Error(`redis-server did not answer on port ${port} (${log})`)
  }

  beforeAll(async () => {
    port = freePort()
    redis = startRedis()
    await redisAnswers()
    pair = await createHarnessPair({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } })
    a = pair.a
    b = pair.b
    sa = await a.listen()
    sb = await b.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await pair.close()
    redis.kill('SIGKILL')
  }, SETUP_TIMEOUT)

  test('redirects keep working from the LRU and Postgres, the API answers, and sharing resumes when it returns', async () => {
    await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/cached', slug: 'outage-cached' } })
    expect(await location(sb, 'outage-cached')).toBe('https://example.com/cached')
    redis.kill('SIGKILL')
    await redis.exited
    expect(await location(sb, 'outage-cached')).toBe('https://example.com/cached')
    const created = await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/during', slug: 'outage-new' } })
    expect(created.status).toBe(201)
    expect(await location(sb, 'outage-new')).toBe('https://example.com/during') // from Postgres
    expect((await b.api('GET', '/health', { key: null })).body.checks.redis).toBe('unavailable')
    expect((await b.api('GET', '/ready', { key: null })).status).toBe(200) // it still serves

    redis = startRedis()
    await redisAnswers()
    expect(await within(5000, 'ok', async () => (await b.api('GET', '/health', { key: null })).body.checks.redis)).toBe('ok')
    // Pub/sub is back: a change on A reaches B's LRU again.
    await Bun.sleep(300)
    await a.api('PATCH', '/api/v1/links/outage-cached', { body: { url: 'https://example.com/after' } })
    expect(await within(1000, 'https://example.com/after', () => location(sb, 'outage-cached'))).toBe('https://example.com/after')
  }, SETUP_TIMEOUT)
})

describe.skipIf(!process.env.DATABASE_URL)('when Postgres goes away', () => {
  let db: Awaited<ReturnType<typeof proxiedTestDatabase>>
  let proxy: TcpProxy
  let h: Harness
  let s: Running
  beforeAll(async () => {
    db = await proxiedTestDatabase()
    proxy = db.proxy
    h = await createHarness({ engine: 'postgres', databaseUrl: db.url })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    proxy.restore()
    await h.close()
    await db.drop()
  }, SETUP_TIMEOUT)

  test('cached links keep redirecting, the API answers 503 in the envelope, and both recover', async () => {
    await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/pg', slug: 'pg-cached' } })
    expect(await location(s, 'pg-cached')).toBe('https://example.com/pg')
    proxy.cut()
    expect(await location(s, 'pg-cached')).toBe('https://example.com/pg')
    const list = await h.api('GET', '/api/v1/links')
    expect(list.status).toBe(503)
    expect(list.body).toMatchObject({ success: false, data: null, error: { code: 'SERVICE_UNAVAILABLE' } })
    const created = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x' } })
    expect(created.status).toBe(503)
    expect(await location(s, 'pg-uncached')).toBe('503')
    expect((await h.api('GET', '/ready', { key: null })).status).toBe(503)

    proxy.restore()
    expect(await within(10_000, 200, async () => (await h.api('GET', '/api/v1/links')).status)).toBe(200)
    expect(await location(s, 'pg-cached')).toBe('https://example.com/pg')
  }, SETUP_TIMEOUT)
})
