// Smart links on two instances sharing PostgreSQL and Redis: maxClicks is exact across both, and
// a password, an og change or a domain's fallback set through one instance reaches the other.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { domains } from '../src/db/schema'
import type { Running } from '../src/server'
import { createHarnessPair, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { within } from './support/poll'

const servers = Boolean(process.env.DATABASE_URL && redisUrl)

describe.skipIf(!servers)('smart links across two instances', () => {
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

  const on = (s: Running, path: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}${path}`, { redirect: 'manual', headers }).then((r) => (r.status === 302 ? r.headers.get('location') : String(r.status)))

  test('maxClicks lets exactly that many clicks through across both instances', async () => {
    await a.createLink({ url: 'https://example.com/seven', slug: 'pair-max', maxClicks: 7, expiredUrl: 'https://example.com/gone' })
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => on(i % 2 ? sa : sb, '/pair-max')))
    expect(answers.filter((l) => l === 'https://example.com/seven')).toHaveLength(7)
    expect(answers.filter((l) => l === 'https://example.com/gone')).toHaveLength(33)
    const link = (await a.api('GET', '/api/v1/links/pair-max')).body.data
    expect(link).toMatchObject({ status: 'USED', clicksLeft: 0 })
    const events = await a.deps.db.query.events.findMany()
    expect(events.filter((e) => e.type === 'link.used' && (e.data as any).shortCode === 'pair-max')).toHaveLength(1)
  })

  test('a password set, changed or removed on one instance is followed by the other within 1 s', async () => {
    await a.createLink({ url: 'https://example.com/pw', slug: 'pair-pw' })
    expect(await on(sb, '/pair-pw')).toBe('https://example.com/pw') // in B's LRU
    await a.api('PATCH', '/api/v1/links/pair-pw', { body: { password: 'first pass' } })
    expect(await within(1000, '401', () => on(sb, '/pair-pw'))).toBe('401')
    expect(await on(sb, '/pair-pw', { 'x-link-password': 'first pass' })).toBe('https://example.com/pw')
    await a.api('PATCH', '/api/v1/links/pair-pw', { body: { password: null } })
    expect(await within(1000, 'https://example.com/pw', () => on(sb, '/pair-pw'))).toBe('https://example.com/pw')
  })

  test('a domain\'s notFoundUrl set through one instance is used by the other within 1 s', async () => {
    const d = (await a.api('POST', '/api/v1/domains', { body: { hostname: 'go.pair.example' } })).body.data
    await a.deps.db.update(domains).set({ isVerified: true }).where(eq(domains.id, d.id))
    await a.deps.domains.reload()
    a.deps.domains.changed()
    const host = { host: 'go.pair.example' }
    expect(await within(1000, '404', () => on(sb, '/pair-nothing', host))).toBe('404')
    await a.api('PATCH', `/api/v1/domains/${d.id}`, { body: { notFoundUrl: 'https://pair.example/' } })
    expect(await within(1000, 'https://pair.example/', () => on(sb, '/pair-nothing2', host))).toBe('https://pair.example/')
  })
})
