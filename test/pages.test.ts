// Browsers get pages, API clients get JSON: a short URL that leads nowhere answers a small HTML
// page with the same status when Accept takes text/html, and the error envelope otherwise.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { links } from '../src/db/schema'
import { acceptsHtml } from '../src/shared/html'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('Accept negotiation', () => {
  const req = (accept?: string) => new Request('http://x/', { headers: accept ? { accept } : {} })
  test('a browser\'s Accept takes HTML; none, */*, JSON and text/html;q=0 do not', () => {
    expect(acceptsHtml(req(BROWSER))).toBe(true)
    expect(acceptsHtml(req('text/html'))).toBe(true)
    for (const a of [undefined, '*/*', 'application/json', 'text/html;q=0, application/json', 'text/htmlx']) expect(acceptsHtml(req(a))).toBe(false)
  })
})

/** Checks a page: status, a strict policy that admits exactly its one stylesheet, no script. */
async function expectPage(res: Response, status: number, heading: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(res.headers.get('vary')).toBe('Accept')
  const csp = res.headers.get('content-security-policy')!
  expect(csp).toContain("default-src 'none'")
  expect(csp).not.toContain('unsafe-inline')
  const html = await res.text()
  const style = /<style>([^<]*)<\/style>/.exec(html)![1]
  expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`)
  expect(html).toContain(`<h1>${heading}</h1>`)
  expect(html).not.toContain('<script')
  expect(html).not.toContain('style=')
  return html
}

async function expectEnvelope(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  const body = await res.json() as any
  expect(body).toMatchObject({ success: false, data: null, error: { code } })
}

describe.each(engines)('pages for browsers on %s', (engine) => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ engine })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = (path: string, accept?: string, method = 'GET') =>
    fetch(`${s.url}${path}`, { method, redirect: 'manual', headers: accept ? { accept } : {} })

  async function expire(slug: string) {
    const [row] = await h.deps.db.update(links).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(links.slug, slug)).returning()
    await h.deps.linkCache.refresh(row)
  }

  // Each state, set up once: [name, path, status, JSON code, page heading].
  const states: [string, string, number, string, string][] = [
    ['unknown', '/p-nothing-here', 404, 'LINK_NOT_FOUND', 'Link not found'],
    ['unknown (a slug that cannot be one)', '/p~bad', 404, 'LINK_NOT_FOUND', 'Link not found'],
    ['expired', '/p-expired', 410, 'LINK_EXPIRED', 'This link has expired'],
    ['single-use, used up', '/p-once', 410, 'LINK_EXPIRED', 'This link has expired'],
    ['disabled', '/p-disabled', 404, 'LINK_NOT_FOUND', 'Link not found'],
    ['unknown, typed page', '/l/p-nothing-here', 404, 'LINK_NOT_FOUND', 'Link not found'],
    ['expired, typed page', '/l/p-t-expired', 410, 'LINK_EXPIRED', 'This link has expired'],
    ['single-use typed, used up', '/l/p-t-once', 410, 'LINK_EXPIRED', 'This link has expired'],
    ['single-use url link under /l/, used up', '/l/p-u-once', 410, 'LINK_EXPIRED', 'This link has expired'],
    ['disabled, typed page', '/l/p-t-disabled', 404, 'LINK_NOT_FOUND', 'Link not found'],
  ]

  beforeAll(async () => {
    await h.createLink({ url: 'https://example.com/e', slug: 'p-expired' })
    await expire('p-expired')
    await h.createLink({ url: 'https://example.com/o', slug: 'p-once', singleUse: true })
    expect((await go('/p-once')).status).toBe(302)
    await h.createLink({ url: 'https://example.com/d', slug: 'p-disabled' })
    expect((await h.api('PATCH', '/api/v1/links/p-disabled', { body: { status: 'DISABLED' } })).status).toBe(200)
    await h.createLink({ kind: 'text', slug: 'p-t-expired', payload: { text: 'x' } })
    await expire('p-t-expired')
    await h.createLink({ kind: 'text', slug: 'p-t-once', singleUse: true, payload: { text: 'once' } })
    expect((await go('/l/p-t-once')).status).toBe(200)
    await h.createLink({ url: 'https://example.com/u', slug: 'p-u-once', singleUse: true })
    expect((await go('/l/p-u-once')).status).toBe(302)
    await h.createLink({ kind: 'text', slug: 'p-t-disabled', payload: { text: 'x' } })
    expect((await h.api('PATCH', '/api/v1/links/p-t-disabled', { body: { status: 'DISABLED' } })).status).toBe(200)
  }, SETUP_TIMEOUT)

  for (const [name, path, status, code, heading] of states) {
    test(`${name}: a browser gets a ${status} page, an API client the ${status} envelope`, async () => {
      await expectPage(await go(path, BROWSER), status, heading)
      await expectEnvelope(await go(path), status, code)
      await expectEnvelope(await go(path, 'application/json'), status, code)
    })
  }

  test('a disabled link\'s page is the unknown link\'s page, word for word: it does not reveal that the link exists', async () => {
    const page = async (path: string) => (await go(path, BROWSER)).text()
    expect(await page('/p-disabled')).toBe(await page('/p-nothing-here'))
  })

  test('HEAD of a missing short URL from a browser answers the status and the page\'s headers', async () => {
    const res = await go('/p-nothing-here', BROWSER, 'HEAD')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  test('a live link still redirects a browser, without a page', async () => {
    await h.createLink({ url: 'https://example.com/live', slug: 'p-live' })
    const res = await go('/p-live', BROWSER)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/live')
  })

})
