// Serving the dashboard: /app and its client-side routes answer the page (no-cache), /assets the
// content-hashed files (immutable, right content types), / sends browsers to /app; every answer
// carries the strict CSP; the initial JavaScript stays within its gzipped budget.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { BASE_URL, createHarness, type Harness } from './support/harness'
import { dashboardBundle } from '../src/dashboard/build'

setDefaultTimeout(60_000)

describe('dashboard files', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, 120_000)
  afterAll(() => h?.close())

  const get = (path: string, headers: Record<string, string> = {}) => h.app.handle(new Request(`${BASE_URL}${path}`, { headers }))

  function expectStrictCsp(res: Response) {
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/https?:/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  }

  test('/app and any /app/* route answer the app page, not cached, with the strict CSP', async () => {
    for (const path of ['/app', '/app/', '/app/links', '/app/some/deep/route']) {
      const res = await get(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toStartWith('text/html')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expectStrictCsp(res)
      const html = await res.text()
      expect(html).toContain('<div id="root"></div>')
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/) // no inline script
      expect(html).not.toContain('style=')
    }
  })

  test('the page names content-hashed assets, served immutable with their content types', async () => {
    const html = await (await get('/app')).text()
    const js = /src="\/assets\/(main-[a-z0-9]+\.js)"/.exec(html)?.[1]
    const css = /href="\/assets\/(main-[a-z0-9]+\.css)"/.exec(html)?.[1]
    expect(js).toBeDefined()
    expect(css).toBeDefined()
    for (const [name, type] of [[js!, 'text/javascript'], [css!, 'text/css']]) {
      const res = await get(`/assets/${name}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toStartWith(type)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expectStrictCsp(res)
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    }
    const missing = await get('/assets/main-doesnotexist.js')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as any).error.code).toBe('NOT_FOUND')
  })

  test('the initial JavaScript is at most 200 KB gzipped', async () => {
    const { initialJsGzipBytes } = await dashboardBundle()
    console.log(`dashboard initial JS: ${(initialJsGzipBytes / 1024).toFixed(1)} KB gzipped`)
    expect(initialJsGzipBytes).toBeGreaterThan(10_000)
    expect(initialJsGzipBytes).toBeLessThanOrEqual(200 * 1024)
  })

  test('a browser at / is sent to /app; an API client gets JSON', async () => {
    const browser = await get('/', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    expect(browser.status).toBe(302)
    expect(browser.headers.get('location')).toBe('/app')
    const client = await get('/', { accept: 'application/json' })
    expect(client.status).toBe(200)
    expect(((await client.json()) as any).data.dashboard).toBe(`${BASE_URL}/app`)
  })

  test('the build runs once per process: every app shares it', async () => {
    expect(dashboardBundle()).toBe(dashboardBundle())
  })
})
