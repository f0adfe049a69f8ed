// The overview and a link's page in Chromium, on the real click plane (chDB): a visit to a short
// URL shows on the open overview without a reload and on the link's page; the world map shades the
// visitor's country; the QR code previews and downloads as SVG and PNG; the status history lists
// the creation and a disable; axe finds no serious violation, light and dark, and at 360 px
// nothing scrolls sideways.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { users } from '../src/db/schema'

setDefaultTimeout(120_000)
requireChromiumInCi()

// A desktop browser's user agent: headless Chromium's own is counted as a bot and left out.
const ZONE = 'Pacific/Kiritimati'
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

describe.skipIf(!hasChromium)('overview and link detail in Chromium', () => {
  let b: Browser
  let landing: ReturnType<typeof Bun.serve>
  const email = `analytics-${Date.now()}@x.test`
  const password = 'analytics-password-1'

  beforeAll(async () => {
    landing = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('<!doctype html><title>landing</title><p>arrived</p>', { headers: { 'content-type': 'text/html' } }) })
    b = await startBrowser({
      harness: { clickhouse: true },
      // The visitor's address comes from X-Forwarded-For, so a click can come from a country.
      env: { TRUST_PROXY: 'true', CLICK_FLUSH_MS: '200' },
      hostRules: [`MAP landing.example:80 127.0.0.1:${landing.port}`],
      // UTC+14: the viewer's calendar day is, for ten hours of each UTC day, the next one.
      timezoneId: ZONE,
    })
    const res = await b.h.api('POST', '/api/auth/register', { key: null, body: { email, password, name: 'Analytics' } })
    expect(res.status).toBe(201)
    // The Free plan's 30 requests a minute would be spent by the live pages' polling.
    await b.h.deps.db.update(users).set({ plan: 'Business' }).where(eq(users.email, email))
    await b.signIn(email, password)
    const created = await b.h.api('POST', '/api/v1/links', { key: null, headers: { cookie: await b.cookieHeader(), origin: b.base },
      body: { url: 'http://landing.example/landing', slug: 'stats-link', title: 'Stats link' } })
    expect(created.status).toBe(201)
  })

  afterAll(async () => {
    await b?.close()
    landing?.stop(true)
  })

  const stat = (label: string) => b.page.locator(`[data-stat="${label}"]`)

  test('a visit to the short URL shows on the open overview without a reload, with its country on the map', async () => {
    const { page } = b
    await page.goto(`${b.base}/app`)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByText('Live · updated').waitFor()
    expect(await stat('Total clicks').textContent()).toBe('0')
    expect(await stat('Links').textContent()).toBe('1')
    const navigations: string[] = []
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()) })

    const visitor = await b.context.newPage()
    await visitor.setExtraHTTPHeaders({ 'user-agent': UA, 'x-forwarded-for': '8.8.8.8' })
    await visitor.goto(`${b.base}/stats-link`)
    expect(visitor.url()).toBe('http://landing.example/landing')
    await visitor.getByText('arrived').waitFor()
    await visitor.close()

    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-stat="Total clicks"]')?.textContent === '1', null, { timeout: 30_000 })
    expect(navigations).toEqual([])
    await page.locator('[data-testid="world-map"] path[data-country="US"]').waitFor()
    expect(await page.locator('[data-testid="world-map"] path').count()).toBeGreaterThan(150)
    await page.getByRole('list', { name: 'Clicks by country' }).getByText('1').waitFor()
    await page.getByRole('list', { name: 'Top links' }).getByRole('link', { name: /stats-link/ }).waitFor()
    await b.shot('analytics-01-overview')
    await b.expectAccessible('overview with clicks')
  })

  test('the days are the viewer\'s: the overview asks for the browser\'s zone, and its chart ends on today there', async () => {
    const asked = b.page.waitForRequest((r) => r.url().includes('/api/v1/analytics/overview') && new URL(r.url()).searchParams.get('tz') === ZONE)
    await b.page.reload()
    await asked
    await b.page.getByRole('img', { name: /in 7 days/ }).waitFor()
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
    const expected = await b.page.evaluate((day) => new Date(day).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }), today)
    expect(await b.page.locator('figure svg text').last().textContent()).toBe(expected)
  })

  test('the range picker asks for 30 days: 30 points, the click still counted', async () => {
    await b.page.getByRole('button', { name: '30 days' }).click()
    await b.page.getByRole('button', { name: '30 days', pressed: true }).waitFor()
    await b.page.getByRole('img', { name: /in 30 days/ }).waitFor()
    expect(await stat('Total clicks').textContent()).toBe('1')
  })

  test('the top link leads to the link\'s page: fields, short URL, its click, QR preview and history', async () => {
    const { page } = b
    await page.getByRole('list', { name: 'Top links' }).getByRole('link', { name: /stats-link/ }).click()
    await page.getByRole('heading', { name: 'Stats link' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/app/links/stats-link')
    await page.getByRole('link', { name: `${b.base}/stats-link` }).waitFor()
    await page.getByText('http://landing.example/landing').waitFor()
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-stat="Total clicks"]')?.textContent === '1', null, { timeout: 30_000 })
    await page.locator('[data-testid="world-map"] path[data-country="US"]').waitFor()
    const qr = page.getByRole('img', { name: 'QR code of the short URL of stats-link' })
    await qr.waitFor()
    await page.waitForFunction(() => {
      const img = (globalThis as any).document.querySelector('img[alt^="QR code"]')
      return img?.complete && img.naturalWidth > 0
    })
    await page.getByRole('list').filter({ hasText: 'Created' }).waitFor()
    await b.shot('analytics-02-link-detail')
    await b.expectAccessible('link detail')
  })

  test('the QR code downloads as SVG and as PNG, each a non-empty file', async () => {
    for (const [name, ext, magic] of [['SVG', 'svg', '<svg'], ['PNG', 'png', '\u0089PNG']] as const) {
      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByRole('link', { name, exact: true }).click()])
      expect(download.suggestedFilename()).toBe(`stats-link.${ext}`)
      const path = await download.path()
      const body = readFileSync(path)
      expect(body.byteLength).toBeGreaterThan(100)
      expect(body.subarray(0, 8).toString('latin1')).toContain(magic)
    }
  })

  test('the history shows a disable, with its reason', async () => {
    const res = await b.h.api('PATCH', '/api/v1/links/stats-link', { key: null, headers: { cookie: await b.cookieHeader(), origin: b.base }, body: { status: 'DISABLED' } })
    expect(res.status).toBe(200)
    await b.page.reload()
    await b.page.getByText('Disabled').first().waitFor()
    await b.page.getByText('by hand').waitFor()
  })

  test('an unknown link\'s page says so', async () => {
    await b.page.goto(`${b.base}/app/links/no-such-link`)
    await b.page.getByText('There is no such link').waitFor()
    await b.shot('analytics-03-link-missing')
    await b.expectAccessible('link missing')
  })

  test('dark mode: overview and link page stay accessible', async () => {
    await b.page.emulateMedia({ colorScheme: 'dark' })
    await b.page.goto(`${b.base}/app`)
    await b.page.locator('[data-testid="world-map"] path[data-country="US"]').waitFor()
    await b.shot('analytics-04-overview-dark')
    await b.expectAccessible('overview (dark)')
    await b.page.goto(`${b.base}/app/links/stats-link`)
    await b.page.getByRole('img', { name: 'QR code of the short URL of stats-link' }).waitFor()
    await b.page.getByText('by hand').waitFor()
    await b.shot('analytics-05-link-detail-dark')
    await b.expectAccessible('link detail (dark)')
    await b.page.emulateMedia({ colorScheme: 'light' })
  })

  test('at 360 px the overview and the link page fit the screen', async () => {
    await b.page.setViewportSize({ width: 360, height: 740 })
    for (const [path, name] of [['/app', 'overview'], ['/app/links/stats-link', 'link-detail']] as const) {
      await b.page.goto(`${b.base}${path}`)
      await b.page.locator('[data-testid="world-map"]').waitFor()
      await b.shot(`analytics-06-${name}-360`)
      const overflow = await b.page.evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })
      // (on failure, the widest elements say what pushes the page sideways)
      const widest = overflow > 0 ? await b.page.evaluate(() => [...(globalThis as any).document.querySelectorAll('main *')]
        .filter((e: any) => e.getBoundingClientRect().right > (globalThis as any).innerWidth + 1).slice(-3).map((e: any) => `${e.tagName}.${e.className}`)) : []
      expect({ name, overflow, widest }).toEqual({ name, overflow: 0, widest: [] })
    }
    await b.page.setViewportSize({ width: 1280, height: 800 })
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
