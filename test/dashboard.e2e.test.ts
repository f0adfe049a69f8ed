// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real
// server: register, create a link, follow its short URL, sign out; the session cookie is out of
// reach of page scripts and a cross-origin POST that carries it is refused; axe-core finds no
// serious or critical violation. Each step saves a screenshot under test/.screenshots/.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import AxeBuilder from '@axe-core/playwright'
import { createHarness, engines, redisUrl, type Harness } from './support/harness'
import { startServer, type Running } from '../src/server'
import { hotp, totpStep } from '../src/accounts/totp'
import { freePort } from './support/ports'

setDefaultTimeout(120_000)

const CHROMIUM = '/usr/bin/chromium'
const SHOTS = join(import.meta.dir, '.screenshots')
const hasChromium = existsSync(CHROMIUM)

if (!hasChromium && process.env.CI)
  test('Chromium is installed for the browser tests', () => {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`)
  })

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  let h: Harness
  let server: Running
  let other: ReturnType<typeof Bun.serve>
  let context: BrowserContext
  let page: Page
  let base: string
  const profile = mkdtempSync(join(tmpdir(), 'kurz-chromium-'))
  const email = `e2e-${Date.now()}@x.test`
  const password = 'e2e-password-1'
  const pageErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const port = freePort()
    base = `http://127.0.0.1:${port}`
    h = await createHarness({ engine: engines[engines.length - 1], redis: !!redisUrl, env: { BASE_URL: base } })
    server = await startServer(h.deps, { port, hostname: '127.0.0.1' })
    // Another origin on the same site (another port): SameSite lets the cookie go along, so only
    // the origin check stands between its page and the API.
    other = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => new Response(`<!doctype html><title>other</title><p>${new URL(req.url).pathname === '/landing' ? 'arrived' : 'other site'}</p>`, { headers: { 'content-type': 'text/html' } }) })
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        // The links' destination host, landing.example, is that other server: no outside network.
        `--host-resolver-rules=MAP landing.example:80 127.0.0.1:${other.port}`],
      viewport: { width: 1280, height: 800 },
    })
    page = context.pages()[0] ?? await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
  }, 120_000)

  afterAll(async () => {
    await context?.close().catch(() => {})
    other?.stop(true)
    await server?.stop().catch(() => {})
    await h?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

  async function expectAccessible(name: string) {
    const result = await new AxeBuilder({ page }).analyze()
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect({ page: name, violations: bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) }).toEqual({ page: name, violations: [] })
  }

  test('a browser at / is sent to the dashboard, which asks to sign in', async () => {
    await page.goto(`${base}/`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/app/login')
    await shot('01-sign-in')
    await expectAccessible('sign in')
  })

  test('register, then land on the overview signed in', async () => {
    await page.getByRole('link', { name: 'Create one' }).click()
    await page.getByRole('heading', { name: 'Create your account' }).waitFor()
    await expectAccessible('register')
    await page.getByLabel('Name').fill('E2E Tester')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await shot('02-register')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByText('Total clicks').waitFor()
    await shot('03-overview-empty')
    await expectAccessible('overview')
  })

  test('the session cookie is httpOnly and SameSite=Strict: document.cookie does not show it', async () => {
    const cookies = await context.cookies(base)
    const session = cookies.find((c) => c.name === 'kurz_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    const visible = await page.evaluate(() => (globalThis as any).document.cookie as string)
    expect(visible).not.toContain('kurz_session')
    expect(visible).not.toContain(session!.value)
  })

  test('create a link in the form: a bad URL is named next to its field, a good one shows in the table', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Links' }).click()
    await page.getByRole('heading', { name: 'Links' }).waitFor()
    await page.getByText('No links yet').waitFor()
    await page.getByRole('button', { name: 'New link' }).click()
    await page.getByLabel('Destination URL').fill('not a url')
    await page.getByRole('button', { name: 'Create link' }).click()
    const urlField = page.getByLabel('Destination URL')
    // The envelope's message, under the field it names, and the field marked invalid.
    await page.locator('#f-url-error').waitFor()
    expect(await urlField.getAttribute('aria-invalid')).toBe('true')
    await shot('04-link-error')
    await urlField.fill('http://landing.example/landing')
    await page.getByLabel('Custom slug').fill('e2e-link')
    await page.getByLabel('Title').fill('Landing page')
    await page.getByRole('button', { name: 'Create link' }).click()
    await page.getByRole('link', { name: `${base}/e2e-link` }).waitFor()
    await page.getByText('Landing page').waitFor()
    await shot('05-links')
    await expectAccessible('links')
    await page.getByLabel('Search links').fill('no-such-thing')
    await page.getByText('No link matches').waitFor()
    await page.getByLabel('Search links').fill('landing')
    await page.getByText('Landing page').waitFor()
    const owner = await h.api('GET', '/api/v1/links/e2e-link', { key: null, headers: { cookie: await cookieHeader() } })
    expect(owner.body.data).toMatchObject({ slug: 'e2e-link', source: 'DASHBOARD', originalUrl: 'http://landing.example/landing' })
  })

  test('the short URL sends the browser to the destination', async () => {
    const visitor = await context.newPage()
    await visitor.goto(`${base}/e2e-link`)
    expect(visitor.url()).toBe('http://landing.example/landing')
    await visitor.getByText('arrived').waitFor()
    await visitor.close()
  })

  test('a cross-origin POST carrying the session cookie is refused and creates nothing', async () => {
    const evil = await context.newPage()
    await evil.goto(`http://127.0.0.1:${other.port}/`)
    const answer = evil.waitForResponse((r) => r.url() === `${base}/api/v1/links` && r.request().method() === 'POST')
    await evil.evaluate((url) => {
      // A "simple" request (no preflight), with the cookie: what a CSRF page would send.
      void fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ url: 'https://evil.example/' }) })
    }, `${base}/api/v1/links`)
    const res = await answer
    // 403, not 401: the server got the cookie (without it the answer is UNAUTHORIZED) and refused the origin.
    expect(res.status()).toBe(403)
    await evil.close()
    // And with a forged Origin from outside a browser: the envelope says FORBIDDEN.
    const forged = await context.request.post(`${base}/api/v1/links`, { headers: { origin: 'https://evil.example' }, data: { url: 'https://evil.example/' } })
    expect(forged.status()).toBe(403)
    expect((await forged.json()).error.code).toBe('FORBIDDEN')
    const list = await h.api('GET', '/api/v1/links?search=evil', { key: null, headers: { cookie: await cookieHeader() } })
    expect(list.body.data.total).toBe(0)
  })

  test('dark mode follows the system, and stays accessible', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click()
    await page.getByText('Total clicks').waitFor()
    const background = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor as string)
    expect(background).not.toBe('rgb(250, 250, 250)')
    await shot('06-overview-dark')
    await expectAccessible('overview (dark)')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Links' }).click()
  })

  test('the account page shows the profile, the plan and this month\'s usage', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click()
    await page.getByText(email).first().waitFor()
    await page.getByText('Plan: Free').waitFor()
    await page.getByText('Links this month').waitFor()
    await shot('06-account')
    await expectAccessible('account')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Links' }).click()
  })

  test('at 360 px the links page fits the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 })
    await page.reload()
    await page.getByText('Landing page').waitFor()
    const overflow = await page.evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })
    expect(overflow).toBeLessThanOrEqual(0)
    await shot('07-links-360')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('sign out ends the session: /app asks to sign in again and the old cookie no longer works', async () => {
    const old = await cookieHeader()
    await page.getByRole('button', { name: 'Sign out' }).filter({ visible: true }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.goto(`${base}/app/links`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/app/login')
    expect((await h.api('GET', '/api/v1/me', { key: null, headers: { cookie: old } })).status).toBe(401)
    await shot('08-signed-out')
  })

  test('an account with 2FA is asked for its code after the password, and the code signs it in', async () => {
    const jwt = (await h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).body.token
    const secret = (await h.api('POST', '/api/auth/2fa/setup', { key: jwt })).body.data.secret
    const step = totpStep(Date.now())
    expect((await h.api('POST', '/api/auth/2fa/enable', { key: jwt, body: { code: hotp(secret, step) } })).status).toBe(200)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const code = page.getByLabel('Authentication code')
    await code.waitFor()
    await shot('09-sign-in-2fa')
    await expectAccessible('sign in (2FA)')
    await code.fill(hotp(secret, step + 1))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
  })

  test('no page threw an error along the way', () => {
    expect(pageErrors).toEqual([])
  })

  async function cookieHeader() {
    return (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ')
  }
})
