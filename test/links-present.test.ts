// How a link is shown, without a database: its short URL and domain from BASE_URL or its custom
// domain, and a link past its expiry shown as EXPIRED.
import { describe, expect, test } from 'bun:test'
import type { LinkRow } from '../src/db/schema'
import { present, shortUrlBaseOf, toLink } from '../src/links/present'

const at = new Date('2026-12-01T10:00:00.000Z')

const row = (over: Partial<LinkRow> = {}): LinkRow => ({
  id: 'lnk_1', userId: 'usr_1', domain: '', slug: 'abc', kind: 'url', originalUrl: 'https://example.com/',
  payload: null, title: null, summary: null, status: 'ACTIVE', singleUse: false, clicks: 7, expiresAt: null,
  source: 'API', passwordHash: null, maxClicks: null, uses: 0, expiredUrl: null, og: null,
  createdAt: at, updatedAt: at, rules: null, abTest: null, utm: null, tagIds: [], ...over,
})

describe('showing a link', () => {
  test('a default-domain link is on BASE_URL, its domain the host with its port', () => {
    const link = toLink(row(), shortUrlBaseOf('http://kurz.test:8080'))
    expect(link.shortUrl).toBe('http://kurz.test:8080/abc')
    expect(link.domain).toBe('kurz.test:8080')
  })

  test("a custom-domain link is on its own host with BASE_URL's scheme", () => {
    const link = toLink(row({ domain: 'go.example.com', slug: 'x' }), shortUrlBaseOf('https://kurz.test'))
    expect(link.shortUrl).toBe('https://go.example.com/x')
    expect(link.domain).toBe('go.example.com')
  })

  test('each BASE_URL keeps its own scheme and host, however many are shown in turn', () => {
    const a = shortUrlBaseOf('https://a.test')
    const b = shortUrlBaseOf('http://b.test:81')
    expect(toLink(row(), a).domain).toBe('a.test')
    expect(toLink(row(), b).domain).toBe('b.test:81')
    expect(toLink(row({ domain: 'go.example.com' }), b).shortUrl).toBe('http://go.example.com/abc')
    expect(shortUrlBaseOf('https://a.test')).toBe(a)
  })

  test('a typed link is shown under /l/', () => {
    expect(toLink(row({ kind: 'text' }), shortUrlBaseOf('http://kurz.test')).shortUrl).toBe('http://kurz.test/l/abc')
  })

  test('an active link past its expiry shows as EXPIRED, before the expire job marks it', () => {
    const deps = { config: { baseUrl: 'http://kurz.test' }, now: () => at }
    expect(present(deps, row({ expiresAt: new Date(at.getTime() - 1) })).status).toBe('EXPIRED')
    expect(present(deps, row({ expiresAt: new Date(at.getTime() - 1) })).isActive).toBe(false)
    expect(present(deps, row({ expiresAt: new Date(at.getTime() + 1000) })).status).toBe('ACTIVE')
  })
})
