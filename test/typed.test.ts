import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { domains, links } from '../src/db/schema'
import { CountingSink } from '../src/clicks/sink'
import { qrSvgOrNull } from '../src/qr/render'
import { escapeWifi, vcardText, wifiText } from '../src/typed/content'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'

describe('typed-link content', () => {
  test('the Wi-Fi string escapes \\ ; , : and " so that phones read the network right', () => {
    expect(escapeWifi('a\\b;c,d:e"f')).toBe('a\\\\b\\;c\\,d\\:e\\"f')
    expect(wifiText({ ssid: 'Café;Net', encryption: 'WPA', password: 'p:w,"1"', hidden: true }))
      .toBe('WIFI:T:WPA;S:Café\\;Net;P:p\\:w\\,\\"1\\";H:true;;')
  })

  test('an open network has no password in its Wi-Fi string', () => {
    expect(wifiText({ ssid: 'Open', encryption: 'nopass', password: 'ignored' })).toBe('WIFI:T:nopass;S:Open;;')
  })

  test('the vCard is 3.0 with escaped values, CRLF lines and folding at 75 octets', () => {
    const card = vcardText({ name: 'Jane Q. Doe', org: 'Acme, Inc; West', email: 'jane@acme.example', address: 'Main St 1\nSpringfield' + ' x'.repeat(40) })
    const lines = card.split('\r\n')
    expect(lines.slice(0, 5)).toEqual(['BEGIN:VCARD', 'VERSION:3.0', 'N:Doe;Jane Q.;;;', 'FN:Jane Q. Doe', 'ORG:Acme\\, Inc\\; West'])
    expect(card).toContain('EMAIL;TYPE=INTERNET:jane@acme.example')
    expect(card).toContain('ADR;TYPE=WORK:;;Main St 1\\nSpringfield')
    expect(card.endsWith('END:VCARD\r\n')).toBe(true)
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(lines.some((l) => l.startsWith(' '))).toBe(true)
  })

  test('a line break in a value cannot start a property of its own', () => {
    const card = vcardText({ name: 'Eve\r\nEND:VCARD\r\nBEGIN:VCARD', url: 'https://x.example/\nTEL:1' })
    expect(card.split('\r\n').filter((l) => l === 'END:VCARD')).toHaveLength(1)
    expect(card.split('\r\n').some((l) => l.startsWith('TEL'))).toBe(false)
  })
})

describe.each(engines)('typed-link page on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: true, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { redirect: 'manual', ...init })

  test('a text page shows the text escaped, with a QR code and a strict Content-Security-Policy', async () => {
    await h.createLink({ kind: 'text', slug: 't-text', title: '<img src=x onerror=alert(1)>', payload: { text: 'Hi <script>alert("x")</script> & bye' } })
    const res = await go('/l/t-text')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; bye')
    expect(html).toContain('<title>&lt;img src=x onerror=alert(1)&gt;</title>')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"')
  })

  test('the Wi-Fi page shows the network and its QR code holds the WIFI: join string', async () => {
    const payload = { ssid: 'Guest;Net', encryption: 'WPA', password: 'pa"ss:1', hidden: true }
    await h.createLink({ kind: 'wifi', slug: 't-wifi', payload })
    const html = await (await go('/l/t-wifi')).text()
    expect(html).toContain('Guest;Net')
    expect(html).toContain('pa&quot;ss:1')
    const svg = (await qrSvgOrNull(wifiText(payload)))!
    expect(html).toContain(svg)
  })

  test('the vCard page links the contact download, served as text/vcard at .vcf and ?format=vcf', async () => {
    const payload = { name: 'Doe, Jane', phone: '+1 555 0100', email: 'jane@example.com', url: 'javascript:alert(1)' }
    await h.createLink({ kind: 'vcard', slug: 't-card', payload })
    const html = await (await go('/l/t-card')).text()
    expect(html).toContain('href="/l/t-card.vcf"')
    expect(html).toContain('href="tel:+15550100"')
    expect(html).toContain('href="mailto:jane@example.com"')
    expect(html).not.toContain('href="javascript:')
    expect(html).toContain((await qrSvgOrNull(vcardText(payload)))!)
    for (const path of ['/l/t-card.vcf', '/l/t-card?format=vcf']) {
      const res = await go(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/vcard; charset=utf-8')
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="t-card.vcf"')
      expect(await res.text()).toBe(vcardText(payload))
    }
  })

  test('a contact download of a link that is not a vCard is 404', async () => {
    await h.createLink({ kind: 'text', slug: 't-novcf', payload: { text: 'x' } })
    expect((await go('/l/t-novcf.vcf')).status).toBe(404)
  })

  test('every GET of the page records one click with the raw facts; HEAD, previews and downloads do not', async () => {
    const link = await h.createLink({ kind: 'vcard', slug: 't-count', payload: { name: 'Counted' } })
    const before = sink.count
    await go('/l/t-count?utm_source=qr', { headers: { 'user-agent': 'UA-Page', referer: 'https://t.me/x' } })
    expect(sink.count).toBe(before + 1)
    const click = sink.received.at(-1)!
    expect(click).toMatchObject({ linkId: link.id, ua: 'UA-Page', referer: 'https://t.me/x', domain: '', query: 'utm_source=qr', ip: '127.0.0.1' })
    expect(typeof click.ownerId).toBe('string')
    await go('/l/t-count')
    expect(sink.count).toBe(before + 2)
    expect((await go('/l/t-count', { method: 'HEAD' })).status).toBe(200)
    expect((await go('/l/t-count', { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(200)
    expect((await go('/l/t-count.vcf')).status).toBe(200)
    expect(sink.count).toBe(before + 2)
  })

  test('the short URL of a typed link leads to its page', async () => {
    await h.createLink({ kind: 'text', slug: 't-short', payload: { text: 'via the short URL' } })
    const res = await fetch(`${s.url}/t-short`, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe('http://kurz.test/l/t-short')
    expect(await (await go('/l/t-short')).text()).toContain('via the short URL')
  })

  test('unknown and disabled are 404; expired is 410, in the error envelope', async () => {
    expect((await go('/l/t-never')).status).toBe(404)
    expect((await (await go('/l/bad%20slug')).json() as any).error.code).toBe('LINK_NOT_FOUND')
    await h.createLink({ kind: 'text', slug: 't-disabled', payload: { text: 'x' } })
    await h.api('PATCH', '/api/v1/links/t-disabled', { body: { status: 'DISABLED' } })
    const disabled = await go('/l/t-disabled')
    expect(disabled.status).toBe(404)
    expect((await disabled.json() as any).error.code).toBe('LINK_NOT_FOUND')
    const link = await h.createLink({ kind: 'text', slug: 't-expired', payload: { text: 'x' } })
    const [row] = await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(links.id, link.id)).returning()
    await h.deps.linkCache.refresh(row)
    const gone = await go('/l/t-expired')
    expect(gone.status).toBe(410)
    expect((await gone.json() as any).error.code).toBe('LINK_EXPIRED')
  })

  test('a single-use typed link shows its page once, then 410; HEAD does not use it up', async () => {
    await h.createLink({ kind: 'text', slug: 't-once', singleUse: true, payload: { text: 'secret' } })
    expect((await go('/l/t-once', { method: 'HEAD' })).status).toBe(200)
    expect((await go('/l/t-once')).status).toBe(200)
    expect((await go('/l/t-once')).status).toBe(410)
  })

  test('a url link under /l/ redirects to its destination, query passed on, and counts', async () => {
    const link = await h.createLink({ url: 'https://example.com/dest', slug: 't-url' })
    const before = sink.count
    const res = await go('/l/t-url?a=1')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/dest?a=1')
    expect(sink.count).toBe(before + 1)
    expect(sink.received.at(-1)!.linkId).toBe(link.id)
  })

  test('a url link under /l/ without a query redirects to its destination as it is, no stray ?', async () => {
    await h.createLink({ url: 'https://example.com/not-typed', slug: 't-url-plain' })
    const res = await go('/l/t-url-plain')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/not-typed')
  })

  test('text too long for a QR code still gets a page, whose code points at the page', async () => {
    await h.createLink({ kind: 'text', slug: 't-long', payload: { text: 'ü'.repeat(3000) } })
    const html = await (await go('/l/t-long')).text()
    expect(html).toContain((await qrSvgOrNull('http://kurz.test/l/t-long'))!)
  })

  test('on a verified custom domain the page resolves in that domain\'s namespace', async () => {
    const [admin] = await h.deps.db.select().from(links).limit(1)
    await h.deps.db.insert(domains).values({ id: 'dom_page_test', userId: admin.userId, hostname: 'qr.brand.example', verificationToken: 'kurz-verify=x', isVerified: true, verifiedAt: new Date() })
    await h.deps.domains.reload()
    await h.createLink({ kind: 'text', slug: 't-host', payload: { text: 'default domain' } })
    const custom = await h.createLink({ kind: 'text', slug: 't-host', domain: 'qr.brand.example', payload: { text: 'custom domain' } })
    expect(custom.shortUrl).toBe('http://qr.brand.example/l/t-host')
    expect(await (await go('/l/t-host', { headers: { host: 'qr.brand.example' } })).text()).toContain('custom domain')
    expect(await (await go('/l/t-host')).text()).toContain('default domain')
    expect(sink.received.at(-2)!.domain).toBe('qr.brand.example')
  })
})
