// No request parameter, header or cookie of a visitor can make Location anything other than the
// link's destination (with the visitor's query passed on after it), a fallback, or the password
// page: tried on plain, protected, previewed, limited and fallback links, on the default host and
// on a custom domain.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { domains } from '../src/db/schema'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'

const EVIL = 'https://evil.example/steal'
const PARAMS = ['redir_url', 'url', 'to', 'next', 'redirect', 'redirect_uri', 'return_to', 'returnUrl', 'dest', 'destination', 'continue', 'goto', 'target', 'r', 'u', 'expiredUrl', 'notFoundUrl', 'trigger']
const VALUES = [EVIL, encodeURIComponent(EVIL), encodeURIComponent(encodeURIComponent(EVIL)), '//evil.example', '/\\evil.example', '@evil.example', 'javascript:alert(1)', 'https:%2F%2Fevil.example']
const QUERIES = [
  ...PARAMS.flatMap((p) => VALUES.map((v) => `${p}=${v}`)),
  // encoded names, repeated names, the QR marker before them, a bare value, fragments
  `%72edir_url=${EVIL}`, `re%64ir_url=${EVIL}`, `url=${EVIL}&url=${EVIL}`, `trigger=qr&next=${EVIL}`, `trigger=qr&url=//evil.example`,
  EVIL, `//evil.example`, `next=${EVIL}%23frag`, `a=1%0d%0aLocation:%20${EVIL}`,
]
const HEADERS: Record<string, string>[] = [
  { 'x-forwarded-host': 'evil.example' }, { 'x-original-url': '/steal' }, { 'x-rewrite-url': `/${EVIL}` }, { forwarded: 'host=evil.example' },
  { referer: EVIL }, { 'x-link-password': 'guess' }, { 'x-redirect': EVIL }, { location: EVIL }, { destination: EVIL },
  { cookie: `kurz_unlock=1.${'A'.repeat(43)}; redirect=${EVIL}; next=${EVIL}` }, { 'user-agent': 'Slackbot-LinkExpanding 1.0' },
  { accept: 'text/html' }, { 'sec-purpose': 'prefetch' },
]
/**
 * The address of the tests after the first. Its look-ups miss several keys (slugs outside the
 * custom domain's namespace, hosts that are no domain of ours) once each negative-cache period,
 * and every miss counts against 127.0.0.1's allowance of unknown links for the minute: a matrix
 * that runs longer than that period on a slow machine could use the allowance up, and a link not
 * yet cached here would then be refused (429) to that address without Redis.
 */
const FRESH_CLIENT = { 'x-forwarded-for': '10.7.7.7' }
const HOSTS = ['kurz.test', 'evil.example', 'go.sec.example', 'GO.SEC.EXAMPLE:443', 'go.sec.example.', 'kurz.test@evil.example']

describe.each(engines)('visitors cannot steer Location on %s', (engine) => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ engine, redis: engine === 'postgres', env: { TRUST_PROXY: 'true' } })
    s = await h.listen()
    const d = (await h.api('POST', '/api/v1/domains', { body: { hostname: 'go.sec.example' } })).body.data
    await h.deps.db.update(domains).set({ isVerified: true }).where(eq(domains.id, d.id))
    await h.deps.domains.reload()
    await h.api('PATCH', `/api/v1/domains/${d.id}`, { body: { expiredUrl: 'https://fallback.example/expired', notFoundUrl: 'https://fallback.example/none' } })
    await h.createLink({ url: 'https://dest.example/plain', slug: 'sec-plain' })
    await h.createLink({ url: 'https://dest.example/pw', slug: 'sec-pw', password: 'the password' })
    await h.createLink({ url: 'https://dest.example/pw2', slug: 'sec-pw-form', password: 'the password' })
    await h.createLink({ url: 'https://dest.example/og', slug: 'sec-og', og: { title: 'T', image: 'https://dest.example/i.png' } })
    await h.createLink({ url: 'https://dest.example/limited', slug: 'sec-max', maxClicks: 1_000_000, expiredUrl: 'https://dest.example/ended' })
    await h.createLink({ url: 'https://dest.example/used', slug: 'sec-used', maxClicks: 1, expiredUrl: 'https://dest.example/used-ended' })
    await h.createLink({ url: 'https://dest.example/on-domain', slug: 'sec-dom', domain: 'go.sec.example' })
    await h.createLink({ url: 'https://dest.example/on-domain-once', slug: 'sec-dom-once', domain: 'go.sec.example', singleUse: true })
    // used up before the attack
    await fetch(`${s.url}/sec-used`, { redirect: 'manual' })
    await fetch(`${s.url}/sec-dom-once`, { redirect: 'manual', headers: { host: 'go.sec.example' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  /** What Location may be for a slug: its destination (query appended), a fallback, the password page's own path. */
  const ALLOWED: Record<string, string[]> = {
    'sec-plain': ['https://dest.example/plain'], 'sec-pw': ['https://dest.example/pw'], 'sec-og': ['https://dest.example/og'],
    'sec-max': ['https://dest.example/limited', 'https://dest.example/ended'], 'sec-used': ['https://dest.example/used-ended'],
    'sec-dom': ['https://dest.example/on-domain'], 'sec-dom-once': [], 'sec-none': [],
  }

  function judge(slug: string, location: string | null, status: number) {
    if (location === null) return
    expect([301, 302, 303, 307, 308]).toContain(status)
    const url = new URL(location)
    const base = `${url.origin}${url.pathname}`
    // (on the custom domain, a slug outside its namespace or used up there may take the domain's fallbacks)
    const allowed = [...ALLOWED[slug]!, 'https://fallback.example/none', 'https://fallback.example/expired']
    const ok = allowed.some((allowed) => base === allowed && (location === allowed || location.startsWith(`${allowed}?`)))
    if (!ok) throw new Error(`${slug}: Location ${location} is none of ${allowed.join(', ')}`)
    // What was passed on is the visitor's query after the destination's own: it never changes the origin or path.
    expect(url.origin === 'https://dest.example' || url.origin === 'https://fallback.example').toBe(true)
  }

  test('no query, header, cookie or Host makes Location anything but an allowed target', async () => {
    let requests = 0
    for (const slug of Object.keys(ALLOWED)) {
      const jobs: Promise<void>[] = []
      for (const host of HOSTS) {
        for (const query of QUERIES) {
          for (const headers of [{}, ...HEADERS]) {
            // (every query with no header, every header with a sample of queries: the product is large)
            if (Object.keys(headers).length > 0 && query.length % 7 !== 0) continue
            jobs.push(fetch(`${s.url}/${slug}?${query}`, { redirect: 'manual', headers: { host, ...headers } }).then(async (res) => {
              judge(slug, res.headers.get('location'), res.status)
              await res.arrayBuffer()
              requests++
            }))
          }
        }
      }
      for (let i = 0; i < jobs.length; i += 50) await Promise.all(jobs.slice(i, i + 50))
    }
    expect(requests).toBeGreaterThan(1000)
  }, 120_000)

  test('the password form\'s 303 goes back to the short URL\'s own path, whatever the query', async () => {
    // (within the link's 20 tries per window, each from its own address)
    const queries = [...PARAMS.slice(0, 4).map((p) => `${p}=//evil.example`), `next=${EVIL}`, `%72edir_url=${EVIL}`, '//evil.example', `a=%0d%0aLocation:${EVIL}`, '/\\evil.example']
    for (const [i, query] of queries.entries()) {
      const res = await fetch(`${s.url}/sec-pw-form?${query}`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.9.9.${i}`, host: 'evil.example' }, body: 'password=the+password',
      })
      expect(res.status).toBe(303)
      const location = res.headers.get('location')!
      expect(location.startsWith('/sec-pw-form?')).toBe(true)
      expect(new URL(location, 'https://short.example').origin).toBe('https://short.example')
    }
  })

  test('the typed-page routes of a protected url link (/l/{slug}, .vcf, format=vcf) are behind its password too', async () => {
    for (const path of ['/l/sec-pw', '/l/sec-pw.vcf', '/l/sec-pw?format=vcf', `/l/sec-pw?next=${EVIL}`]) {
      const res = await fetch(`${s.url}${path}`, { redirect: 'manual', headers: FRESH_CLIENT })
      expect([path, res.status, res.headers.get('location')]).toEqual([path, 401, null])
      expect(await res.text()).not.toContain('dest.example')
    }
  })

  test('a password-protected link leaks nothing to any of these requests before the unlock', async () => {
    for (const headers of HEADERS) {
      const res = await fetch(`${s.url}/sec-pw?next=${EVIL}`, { redirect: 'manual', headers: { ...FRESH_CLIENT, ...headers } })
      expect(res.headers.get('location')).toBeNull()
      expect(await res.text()).not.toContain('dest.example')
    }
  })
})
