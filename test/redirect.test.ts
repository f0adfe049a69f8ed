import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { links } from '../src/db/schema'
import { CountingSink, type ClickSink } from '../src/clicks/sink'
import { withQuery } from '../src/redirect/visit'
import { createRedirectHandler } from '../src/redirect/index'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'

describe.each(engines)('redirects on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: true, env: { TRUST_PROXY: 'true' }, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { redirect: 'manual', ...init })

  test('GET answers 302 with Location and records one click with the raw facts', async () => {
    const link = await h.createLink({ url: 'https://example.com/landing', slug: 'r-basic' })
    const before = sink.count
    const res = await go('/r-basic', { headers: { 'user-agent': 'UA-Test', referer: 'https://t.me/x' } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/landing')
    expect(sink.count).toBe(before + 1)
    const click = sink.received.at(-1)!
    expect(click).toMatchObject({ linkId: link.id, ua: 'UA-Test', referer: 'https://t.me/x', domain: '' })
    expect(click.ip).toBe('127.0.0.1')
  })

  test('a cached link is answered synchronously, counted, without a promise', async () => {
    await h.createLink({ url: 'https://example.com/sync', slug: 'r-sync' })
    const redirect = createRedirectHandler(h.deps, h.deps.domains)
    const req = () => new Request('http://localhost/r-sync?a=1', { headers: { 'user-agent': 'UA-Test' } })
    const first = await redirect(req(), null) // fills the cache
    expect(first.status).toBe(302)
    const before = sink.count
    const answer = redirect(req(), null)
    expect(answer).toBeInstanceOf(Response)
    expect((answer as Response).headers.get('location')).toBe('https://example.com/sync?a=1')
    expect(sink.count).toBe(before + 1)
  })

  test('HEAD redirects but does not record a click', async () => {
    await h.createLink({ url: 'https://example.com/head', slug: 'r-head' })
    const before = sink.count
    const res = await go('/r-head', { method: 'HEAD' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/head')
    expect(sink.count).toBe(before)
  })

  test('a link preview or prefetch redirects but does not record a click', async () => {
    await h.createLink({ url: 'https://example.com/preview', slug: 'r-preview' })
    const before = sink.count
    const res = await go('/r-preview', { headers: { 'sec-purpose': 'prefetch' } })
    expect(res.status).toBe(302)
    expect(sink.count).toBe(before)
  })

  test('the query string is passed on, before the fragment', async () => {
    await h.createLink({ url: 'https://example.com/p?a=1#top', slug: 'r-query' })
    const res = await go('/r-query?utm_source=x&b=2')
    expect(res.headers.get('location')).toBe('https://example.com/p?a=1&utm_source=x&b=2#top')
    expect(sink.received.at(-1)!.query).toBe('utm_source=x&b=2')
  })

  test('unknown slugs are 404 in the envelope; invalid slug characters too', async () => {
    for (const path of ['/r-never-made', '/bad%20slug', '/a.b']) {
      const res = await go(path)
      expect(res.status).toBe(404)
      expect(((await res.json()) as any).error.code).toBe('LINK_NOT_FOUND')
    }
  })

  test('a disabled link is 404, and enabling it restores the redirect at once', async () => {
    await h.createLink({ url: 'https://example.com/dis', slug: 'r-disabled' })
    expect((await go('/r-disabled')).status).toBe(302)
    await h.api('PATCH', '/api/v1/links/r-disabled', { body: { status: 'DISABLED' } })
    expect((await go('/r-disabled')).status).toBe(404)
    await h.api('PATCH', '/api/v1/links/r-disabled', { body: { status: 'ACTIVE' } })
    expect((await go('/r-disabled')).status).toBe(302)
  })

  test('an expired link is 410 from the cached entry, without a database change', async () => {
    const link = await h.createLink({ url: 'https://example.com/exp', slug: 'r-expired' })
    expect((await go('/r-expired')).status).toBe(302)
    const [row] = await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(links.id, link.id)).returning()
    await h.deps.linkCache.refresh(row)
    const res = await go('/r-expired')
    expect(res.status).toBe(410)
    expect(((await res.json()) as any).error.code).toBe('LINK_EXPIRED')
  })

  test('a deleted link stops redirecting at once', async () => {
    await h.createLink({ url: 'https://example.com/del', slug: 'r-deleted' })
    expect((await go('/r-deleted')).status).toBe(302)
    await h.api('DELETE', '/api/v1/links/r-deleted')
    expect((await go('/r-deleted')).status).toBe(404)
  })

  test('a changed destination is served at once', async () => {
    await h.createLink({ url: 'https://example.com/v1', slug: 'r-changed' })
    expect((await go('/r-changed')).headers.get('location')).toBe('https://example.com/v1')
    await h.api('PATCH', '/api/v1/links/r-changed', { body: { url: 'https://example.com/v2' } })
    expect((await go('/r-changed')).headers.get('location')).toBe('https://example.com/v2')
  })

  test('a single-use link redirects exactly once under concurrent clicks, then 410; link.used and link.disabled fire once', async () => {
    await h.createLink({ url: 'https://example.com/once', slug: 'r-once', singleUse: true })
    const before = sink.count
    const visitor = { 'x-forwarded-for': '8.8.8.8', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36' }
    const answers = await Promise.all(Array.from({ length: 25 }, () => go('/r-once', { headers: visitor }).then((r) => r.status)))
    expect(answers.filter((c) => c === 302)).toHaveLength(1)
    expect(answers.filter((c) => c === 410)).toHaveLength(24)
    expect(sink.count).toBe(before + 1)
    const detail = await h.api('GET', '/api/v1/links/r-once')
    expect(detail.body.data.status).toBe('USED')
    const events = await h.deps.db.query.events.findMany()
    const used = events.filter((e) => e.type === 'link.used' && (e.data as any).shortCode === 'r-once')
    expect(used).toHaveLength(1)
    // link.used names the visitor's country and device.
    expect(used[0].data).toMatchObject({ originalUrl: 'https://example.com/once', country: 'United States', device: 'Desktop' })
    const disabled = events.filter((e) => e.type === 'link.disabled' && (e.data as any).shortCode === 'r-once')
    expect(disabled.map((e) => (e.data as any).reason)).toEqual(['single_use'])
  })

  test('HEAD does not use up a single-use link', async () => {
    await h.createLink({ url: 'https://example.com/once-head', slug: 'r-once-head', singleUse: true })
    expect((await go('/r-once-head', { method: 'HEAD' })).status).toBe(302)
    expect((await go('/r-once-head')).status).toBe(302)
    expect((await go('/r-once-head')).status).toBe(410)
  })

  test('unknown slugs are cached as misses: repeated requests reach the database once', async () => {
    const before = h.deps.metrics.redirectSlowPath
    for (let i = 0; i < 20; i++) expect((await go('/r-enumerated')).status).toBe(404)
    expect(h.deps.metrics.redirectSlowPath - before).toBe(1)
  })

  test('creating a slug that was cached as a miss makes it redirect at once', async () => {
    expect((await go('/r-late')).status).toBe(404)
    await h.createLink({ url: 'https://example.com/late', slug: 'r-late' })
    expect((await go('/r-late')).status).toBe(302)
  })

  test('a typed link sends its short URL to the tracked page', async () => {
    const link = await h.createLink({ kind: 'text', payload: { text: 'hello' }, slug: 'r-typed' })
    const res = await go('/r-typed')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`http://kurz.test/l/${link.slug}`)
  })

  test('the Location header is a properly encoded URL', async () => {
    await h.createLink({ url: 'https://example.com/ü x?q=a b', slug: 'r-encoded' })
    const loc = (await go('/r-encoded')).headers.get('location')!
    expect(loc).toBe('https://example.com/%C3%BC%20x?q=a%20b')
  })

  test('reserved paths are served by the API, not looked up as slugs', async () => {
    expect((await go('/health')).status).toBe(200)
    const api = await go('/api')
    expect(api.status).toBe(404)
    expect(((await api.json()) as any).error.code).toBe('NOT_FOUND')
  })
})

describe('REDIRECT_STATUS', () => {
  test('is honoured', async () => {
    const h = await createHarness({ env: { REDIRECT_STATUS: '308' } })
    try {
      await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/perm', slug: 'perm' } })
      const s = await h.listen()
      const res = await fetch(`${s.url}/perm`, { redirect: 'manual' })
      expect(res.status).toBe(308)
      expect(res.headers.get('location')).toBe('https://example.com/perm')
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT)
})

describe('with a sink that does not record (CLICKS_RECORD=false)', () => {
  test('redirects are served and single-use links used up, and no click is built or pushed', async () => {
    let pushed = 0
    const clicks: ClickSink = { records: false, push: () => { pushed++ }, flush: async () => {}, close: async () => {} }
    const h = await createHarness({ overrides: { clicks } })
    try {
      await h.createLink({ url: 'https://example.com/plain', slug: 'nr-plain' })
      await h.createLink({ url: 'https://example.com/once', slug: 'nr-once', singleUse: true })
      const s = await h.listen()
      const go = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { redirect: 'manual', ...init })
      expect((await go('/nr-plain')).status).toBe(302)
      expect((await go('/l/nr-plain')).status).toBe(302)
      expect((await go('/nr-once', { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(302)
      expect((await go('/nr-once')).status).toBe(302)
      expect((await go('/nr-once')).status).toBe(410)
      expect(pushed).toBe(0)
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT)
})

describe('withQuery', () => {
  test.each([
    ['https://a.test/', 'x=1', 'https://a.test/?x=1'],
    ['https://a.test/p?', 'x=1', 'https://a.test/p?x=1'],
    ['https://a.test/p?a=1', 'x=1', 'https://a.test/p?a=1&x=1'],
    ['https://a.test/p#f', 'x=1', 'https://a.test/p?x=1#f'],
  ])('%s + %s → %s', (target, query, expected) => {
    expect(withQuery(target, query)).toBe(expected)
  })
})

describe('a single-use link whose visitor cannot be described', () => {
  test('still redirects once, and link.used has no country or device (a GEOIP_DB file gone since the start)', async () => {
    const h = await createHarness({ env: { GEOIP_DB: '/nonexistent/kurz-gone.mmdb' }, overrides: { clicks: new CountingSink() } })
    try {
      const s = await h.listen()
      await h.createLink({ url: 'https://example.com/once-gone', slug: 'r-once-gone', singleUse: true })
      expect((await fetch(`${s.url}/r-once-gone`, { redirect: 'manual' })).status).toBe(302)
      expect((await fetch(`${s.url}/r-once-gone`, { redirect: 'manual' })).status).toBe(410)
      const used = (await h.deps.db.query.events.findMany()).filter((e) => e.type === 'link.used')
      expect(used.map((e) => e.data)).toMatchObject([{ shortCode: 'r-once-gone', country: '', device: '' }])
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT)
})
