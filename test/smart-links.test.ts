// Smart links: passwords, maxClicks, fallbacks (expiredUrl, notFoundUrl), social previews, and the
// validation of each field; on PGlite and on PostgreSQL + Redis.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { domains, links } from '../src/db/schema'
import { CountingSink } from '../src/clicks/sink'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { clearOfWindowEdge, QUARTER_HOUR_MS } from './support/windows'

const BROWSER = { accept: 'text/html,application/xhtml+xml', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' }
const SLACK = { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }

describe.each(engines)('smart links on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: engine === 'postgres', env: { TRUST_PROXY: 'true' }, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  let ip = 0
  /** Each call from its own client address, unless one is given (password tries count per address). */
  const go = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}, from = `10.1.${++ip >> 8}.${ip & 255}`) =>
    fetch(`${s.url}${path}`, { redirect: 'manual', ...init, headers: { 'x-forwarded-for': from, ...init.headers } })
  const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!

  describe('password-protected links', () => {
    test('the password is never returned, only hasPassword; the row holds an argon2id hash', async () => {
      const link = await h.createLink({ url: 'https://example.com/secret', slug: 'pw-shape', password: 'open sesame', title: 'Quarterly plan' })
      expect(link.hasPassword).toBe(true)
      expect(JSON.stringify(link)).not.toContain('open sesame')
      expect('password' in link || 'passwordHash' in link).toBe(false)
      const [row] = await h.deps.db.select().from(links).where(eq(links.slug, 'pw-shape'))
      expect(row!.passwordHash!.startsWith('$argon2id$')).toBe(true)
      expect(JSON.stringify((await h.api('GET', '/api/v1/links/pw-shape')).body)).not.toContain('argon2')
    })

    test('a browser gets the password page: no destination, title or click leaks, strict CSP', async () => {
      await h.createLink({ url: 'https://example.com/hidden-target', slug: 'pw-page', password: 'open sesame', title: 'Secret title', og: { title: 'Secret og' } })
      const before = sink.count
      const res = await go('/pw-page', { headers: BROWSER })
      expect(res.status).toBe(401)
      expect(res.headers.get('location')).toBeNull()
      const html = await res.text()
      expect(html).toContain('<form method="post" action="/pw-page"')
      for (const leak of ['hidden-target', 'Secret title', 'Secret og', 'example.com']) expect(html).not.toContain(leak)
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).not.toContain('script-src')
      // A crawler gets no preview before the unlock either.
      expect(await (await go('/pw-page', { headers: SLACK })).text()).not.toContain('Secret og')
      // An API client gets the envelope.
      const api = await go('/pw-page')
      expect(api.status).toBe(401)
      expect((await api.json() as any).error.code).toBe('LINK_PASSWORD_REQUIRED')
      expect(sink.count).toBe(before)
    })

    test('the right password sets a scoped, signed, HttpOnly cookie and the visit then redirects and counts once', async () => {
      await h.createLink({ url: 'https://example.com/unlocked', slug: 'pw-form', password: 'open sesame' })
      const before = sink.count
      const form = (password: string, from?: string) => go('/pw-form?ref=mail', {
        method: 'POST', headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password }).toString(),
      }, from)
      const wrong = await form('nope')
      expect(wrong.status).toBe(401)
      expect(wrong.headers.get('set-cookie')).toBeNull()
      expect(await wrong.text()).toContain('not right')
      const ok = await form('open sesame')
      expect(ok.status).toBe(303)
      expect(ok.headers.get('location')).toBe('/pw-form?ref=mail')
      const setCookie = ok.headers.get('set-cookie')!
      expect(setCookie).toMatch(/^kurz_unlock=\d+\.[\w-]+; Path=\/pw-form; Max-Age=3600; HttpOnly; SameSite=Lax$/)
      expect(setCookie).not.toContain('open sesame')
      expect(sink.count).toBe(before)
      const visit = await go('/pw-form?ref=mail', { headers: { ...BROWSER, cookie: cookieOf(ok) } })
      expect(visit.status).toBe(302)
      expect(visit.headers.get('location')).toBe('https://example.com/unlocked?ref=mail')
      expect(sink.count).toBe(before + 1)
    })

    test('an unlock cookie is link-scoped, tamper-proof, and void once the password changes', async () => {
      await h.createLink({ url: 'https://example.com/a', slug: 'pw-a', password: 'password-a' })
      await h.createLink({ url: 'https://example.com/b', slug: 'pw-b', password: 'password-a' })
      const ok = await go('/pw-a', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=password-a' })
      const cookie = cookieOf(ok)
      expect((await go('/pw-a', { headers: { cookie } })).status).toBe(302)
      // Another link with the same password does not take it.
      expect((await go('/pw-b', { headers: { cookie } })).status).toBe(401)
      // A changed signature or expiry is refused.
      const [name, value] = cookie.split('=') as [string, string]
      const [exp, sig] = value.split('.') as [string, string]
      expect((await go('/pw-a', { headers: { cookie: `${name}=${Number(exp) + 9999}.${sig}` } })).status).toBe(401)
      expect((await go('/pw-a', { headers: { cookie: `${name}=${exp}.${sig.slice(0, -2)}AA` } })).status).toBe(401)
      expect((await go('/pw-a', { headers: { cookie: `${name}=${Math.floor(Date.now() / 1000) - 1}.${sig}` } })).status).toBe(401)
      await h.api('PATCH', '/api/v1/links/pw-a', { body: { password: 'password-new' } })
      expect((await go('/pw-a', { headers: { cookie } })).status).toBe(401)
      // Removing the password opens the link.
      await h.api('PATCH', '/api/v1/links/pw-a', { body: { password: null } })
      expect((await go('/pw-a')).status).toBe(302)
    })

    test('API callers send X-Link-Password for a 302; a wrong one is 401 LINK_PASSWORD_INVALID', async () => {
      await h.createLink({ url: 'https://example.com/api-pw', slug: 'pw-header', password: 'header pass' })
      const ok = await go('/pw-header', { headers: { 'x-link-password': 'header pass' } })
      expect(ok.status).toBe(302)
      expect(ok.headers.get('location')).toBe('https://example.com/api-pw')
      const bad = await go('/pw-header', { headers: { 'x-link-password': 'header pas' } })
      expect(bad.status).toBe(401)
      expect((await bad.json() as any).error.code).toBe('LINK_PASSWORD_INVALID')
    })

    test('wrong tries are limited per client address: the 11th is 429 with Retry-After, even with the right password', async () => {
      await h.createLink({ url: 'https://example.com/limited', slug: 'pw-ip', password: 'right one' })
      const from = '10.200.0.1'
      await clearOfWindowEdge(QUARTER_HOUR_MS)
      for (let i = 0; i < 10; i++) expect((await go('/pw-ip', { headers: { 'x-link-password': `wrong ${i}` } }, from)).status).toBe(401)
      const limited = await go('/pw-ip', { headers: { 'x-link-password': 'right one' } }, from)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      // Another address still gets in.
      expect((await go('/pw-ip', { headers: { 'x-link-password': 'right one' } }, '10.200.0.2')).status).toBe(302)
    })

    test('wrong tries are limited per link across addresses: the 21st is 429', async () => {
      await h.createLink({ url: 'https://example.com/limited-link', slug: 'pw-link', password: 'right one' })
      await clearOfWindowEdge(QUARTER_HOUR_MS)
      for (let i = 0; i < 20; i++) expect((await go('/pw-link', { headers: { 'x-link-password': `wrong ${i}` } })).status).toBe(401)
      const limited = await go('/pw-link', { method: 'POST', headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=right+one' })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    })

    test('the unlock form refuses other bodies, and links without a password take no POST', async () => {
      await h.createLink({ url: 'https://example.com/f', slug: 'pw-bodies', password: 'right one' })
      await h.createLink({ url: 'https://example.com/open', slug: 'no-pw' })
      const json = await go('/pw-bodies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"password":"right one"}' })
      expect(json.status).toBe(400)
      expect((await json.json() as any).error.field).toBe('body')
      const big = await go('/pw-bodies', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `password=${'x'.repeat(5000)}` })
      expect(big.status).toBe(413)
      expect((await go('/no-pw', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=x' })).status).toBe(405)
      expect((await go('/nope-missing', { method: 'POST', body: 'password=x' })).status).toBe(404)
    })
  })

  describe('maxClicks and fallbacks', () => {
    test('maxClicks lets exactly that many concurrent clicks through, then 410; link.used fires once', async () => {
      await h.createLink({ url: 'https://example.com/limited', slug: 'mc-5', maxClicks: 5 })
      const answers = await Promise.all(Array.from({ length: 30 }, () => go('/mc-5').then((r) => r.status)))
      expect(answers.filter((c) => c === 302)).toHaveLength(5)
      expect(answers.filter((c) => c === 410)).toHaveLength(25)
      const link = (await h.api('GET', '/api/v1/links/mc-5')).body.data
      expect(link).toMatchObject({ status: 'USED', maxClicks: 5, clicksLeft: 0 })
      const events = await h.deps.db.query.events.findMany()
      expect(events.filter((e) => e.type === 'link.used' && (e.data as any).shortCode === 'mc-5')).toHaveLength(1)
    })

    test('HEAD and previews do not use up a click', async () => {
      await h.createLink({ url: 'https://example.com/m2', slug: 'mc-head', maxClicks: 2 })
      expect((await go('/mc-head', { method: 'HEAD' })).status).toBe(302)
      expect((await go('/mc-head', { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(302)
      expect((await h.api('GET', '/api/v1/links/mc-head')).body.data.clicksLeft).toBe(2)
      expect((await go('/mc-head')).status).toBe(302)
      expect((await h.api('GET', '/api/v1/links/mc-head')).body.data.clicksLeft).toBe(1)
    })

    test('expiredUrl replaces the 410 once the link ran out of clicks or expired', async () => {
      await h.createLink({ url: 'https://example.com/live', slug: 'mc-fallback', maxClicks: 1, expiredUrl: 'https://example.com/ended' })
      expect((await go('/mc-fallback')).headers.get('location')).toBe('https://example.com/live')
      const after = await go('/mc-fallback', { headers: BROWSER })
      expect(after.status).toBe(302)
      expect(after.headers.get('location')).toBe('https://example.com/ended')
      await h.createLink({ url: 'https://example.com/live', slug: 'exp-fallback', expiredUrl: 'https://example.com/too-late' })
      const [row] = await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(links.slug, 'exp-fallback')).returning()
      await h.deps.linkCache.refresh(row!)
      expect((await go('/exp-fallback')).headers.get('location')).toBe('https://example.com/too-late')
    })

    test('a custom domain\'s expiredUrl and notFoundUrl replace its 410 and 404; other hosts keep theirs', async () => {
      const d = (await h.api('POST', '/api/v1/domains', { body: { hostname: 'go.fallback.example' } })).body.data
      await h.deps.db.update(domains).set({ isVerified: true }).where(eq(domains.id, d.id))
      await h.deps.domains.reload()
      const patched = await h.api('PATCH', `/api/v1/domains/${d.id}`, { body: { expiredUrl: 'https://fallback.example/expired', notFoundUrl: 'https://fallback.example/' } })
      expect(patched.status).toBe(200)
      expect(patched.body.data).toMatchObject({ expiredUrl: 'https://fallback.example/expired', notFoundUrl: 'https://fallback.example/' })
      await h.createLink({ url: 'https://example.com/once', slug: 'dom-once', singleUse: true, domain: 'go.fallback.example' })
      const host = { host: 'go.fallback.example' }
      expect((await go('/dom-once', { headers: host })).headers.get('location')).toBe('https://example.com/once')
      expect((await go('/dom-once', { headers: host })).headers.get('location')).toBe('https://fallback.example/expired')
      expect((await go('/no-such-slug', { headers: host })).headers.get('location')).toBe('https://fallback.example/')
      expect((await go('/not.a.slug', { headers: host })).headers.get('location')).toBe('https://fallback.example/')
      expect((await go('/no-such-slug')).status).toBe(404)
      // null removes it
      await h.api('PATCH', `/api/v1/domains/${d.id}`, { body: { notFoundUrl: null } })
      expect((await go('/no-such-slug2', { headers: host })).status).toBe(404)
    })
  })

  describe('social previews', () => {
    test('a known crawler gets the escaped og tags and no click; a browser gets the redirect', async () => {
      await h.createLink({ url: 'https://example.com/og-target', slug: 'og-link', og: { title: 'Sale <now> "quoted"', description: 'All & more', image: 'https://cdn.example.com/i.png' } })
      const before = sink.count
      for (const ua of ['Slackbot-LinkExpanding 1.0', 'Twitterbot/1.0', 'facebookexternalhit/1.1', 'LinkedInBot/1.0', 'Mozilla/5.0 (compatible; Discordbot/2.0)', 'TelegramBot (like TwitterBot)', 'WhatsApp/2.23']) {
        const res = await go('/og-link', { headers: { 'user-agent': ua } })
        expect(res.status).toBe(200)
        const html = await res.text()
        expect(html).toContain('<meta property="og:title" content="Sale &lt;now&gt; &quot;quoted&quot;">')
        expect(html).toContain('<meta property="og:description" content="All &amp; more">')
        expect(html).toContain('<meta property="og:image" content="https://cdn.example.com/i.png">')
        expect(html).not.toContain('og-target')
      }
      expect(sink.count).toBe(before)
      const browser = await go('/og-link', { headers: BROWSER })
      expect(browser.status).toBe(302)
      expect(sink.count).toBe(before + 1)
      // Without og tags a crawler gets the redirect.
      await h.createLink({ url: 'https://example.com/plain', slug: 'og-none' })
      expect((await go('/og-none', { headers: SLACK })).status).toBe(302)
    })
  })

  describe('validation of every new field', () => {
    test.each([
      [{ password: 'abc' }, 'password'],
      [{ password: 'x'.repeat(129) }, 'password'],
      [{ password: 42 }, 'password'],
      [{ maxClicks: 0 }, 'maxClicks'],
      [{ maxClicks: 1.5 }, 'maxClicks'],
      [{ maxClicks: 'five' }, 'maxClicks'],
      [{ maxClicks: 1_000_000_001 }, 'maxClicks'],
      [{ expiredUrl: 'javascript:alert(1)' }, 'expiredUrl'],
      [{ expiredUrl: 'http://kurz.test/loop' }, 'expiredUrl'],
      [{ expiredUrl: '/relative' }, 'expiredUrl'],
      [{ og: { image: 'http://insecure.example/i.png' } }, 'og.image'],
      [{ og: { image: 'javascript:alert(1)' } }, 'og.image'],
      [{ og: { title: 'x'.repeat(201) } }, 'og.title'],
      [{ og: { description: 'x'.repeat(501) } }, 'og.description'],
      [{ og: { title: 'line\nbreak' } }, 'og.title'],
      [{ og: { unknown: 'x' } }, 'og.unknown'],
      [{ og: { title: 5 } }, 'og.title'],
      [{ og: 'text' }, 'og'],
      [{ og: ['https://x'] }, 'og'],
    ])('%j is a 400 naming %s', async (extra, field) => {
      const res = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/v', ...extra } })
      expect(res.status).toBe(400)
      expect(['VALIDATION_ERROR', 'INVALID_URL']).toContain(res.body.error.code)
      // (a string or list where og's object belongs is read as an object of its items: og.0)
      expect(res.body.error.field === field || res.body.error.field.startsWith(`${field}.`)).toBe(true)
    })

    test('the same checks on update, and a password on a typed link is refused', async () => {
      await h.createLink({ url: 'https://example.com/v', slug: 'val-upd' })
      const bad = await h.api('PATCH', '/api/v1/links/val-upd', { body: { maxClicks: -1 } })
      expect([bad.status, bad.body.error.field]).toEqual([400, 'maxClicks'])
      const og = await h.api('PATCH', '/api/v1/links/val-upd', { body: { og: { image: 'ftp://x/i.png' } } })
      expect([og.status, og.body.error.field]).toEqual([400, 'og.image'])
      const typed = await h.api('POST', '/api/v1/links', { body: { kind: 'text', payload: { text: 'hi' }, password: 'secret pw' } })
      expect([typed.status, typed.body.error.field]).toEqual([400, 'password'])
    })

    test('a domain\'s fallbacks are checked like destinations', async () => {
      const d = (await h.api('POST', '/api/v1/domains', { body: { hostname: 'go.validate.example' } })).body.data
      for (const [body, field] of [[{ expiredUrl: 'javascript:x' }, 'expiredUrl'], [{ notFoundUrl: 'http://kurz.test/' }, 'notFoundUrl'], [{}, 'body']] as const) {
        const res = await h.api('PATCH', `/api/v1/domains/${d.id}`, { body })
        expect([res.status, res.body.error.field]).toEqual([400, field])
      }
    })

    test('updating og, maxClicks and expiredUrl shows them; null removes them and the link is plain again', async () => {
      await h.createLink({ url: 'https://example.com/v', slug: 'val-roundtrip', maxClicks: 3, expiredUrl: 'https://example.com/x', og: { title: ' T ' } })
      const shown = (await h.api('GET', '/api/v1/links/val-roundtrip')).body.data
      expect(shown).toMatchObject({ maxClicks: 3, clicksLeft: 3, expiredUrl: 'https://example.com/x', og: { title: 'T' }, hasPassword: false })
      const cleared = await h.api('PATCH', '/api/v1/links/val-roundtrip', { body: { maxClicks: null, expiredUrl: null, og: null } })
      expect(cleared.body.data).toMatchObject({ maxClicks: null, clicksLeft: null, expiredUrl: null, og: null })
      const [row] = await h.deps.db.select().from(links).where(eq(links.slug, 'val-roundtrip'))
      const { toLinkEntry } = await import('../src/redirect/link-entry')
      expect(toLinkEntry(row!).smart).toBeNull()
    })
  })
})
