// A real server on PostgreSQL/Redis (when set) and Debian's Chromium driven by playwright-core:
// what every dashboard end-to-end test file starts from. Screenshots go to test/.screenshots/
// (git-ignored); axe-core judges a page by its serious and critical violations only.
import { expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import AxeBuilder from '@axe-core/playwright'
import { createHarness, engines, redisUrl, type Harness, type HarnessOptions } from './harness'
import { startServer, type Running } from '../../src/server'
import { freePort } from './ports'

export const CHROMIUM = '/usr/bin/chromium'
export const SHOTS = join(import.meta.dir, '..', '.screenshots')
export const hasChromium = existsSync(CHROMIUM)

/** In CI a missing Chromium is a failure, not a skip. Call once at the top of a browser test file. */
export function requireChromiumInCi() {
  if (!hasChromium && process.env.CI)
    test('Chromium is installed for the browser tests', () => {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`)
    })
}

export type Browser = {
  h: Harness
  server: Running
  base: string
  context: BrowserContext
  page: Page
  /** Errors thrown by page scripts, across every page of the context. */
  pageErrors: string[]
  shot(name: string, p?: Page): Promise<unknown>
  expectAccessible(name: string, p?: Page): Promise<void>
  /** The context's cookies for the server, as a Cookie header (for API calls as the signed-in user). */
  cookieHeader(): Promise<string>
  /** Registers through the API, then signs the browser in through the form; lands on the overview. */
  signUp(email: string, password: string): Promise<void>
  signIn(email: string, password: string): Promise<void>
  /** Clicks a main navigation entry and waits for its heading. */
  nav(label: string, heading?: string): Promise<void>
  close(): Promise<void>
}

export type BrowserOptions = {
  env?: Record<string, string>
  harness?: Omit<HarnessOptions, 'engine' | 'env'>
  /** Extra Chromium host-resolver rules, e.g. `MAP landing.example:80 127.0.0.1:1234`. */
  hostRules?: string[]
  /** The browser's time zone (an IANA name); the machine's unless given. */
  timezoneId?: string
}

export async function startBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true })
  const port = freePort()
  const base = `http://127.0.0.1:${port}`
  const h = await createHarness({ engine: engines[engines.length - 1], redis: !!redisUrl, ...opts.harness, env: { BASE_URL: base, ...opts.env } })
  const server = await startServer(h.deps, { port, hostname: '127.0.0.1' })
  const profile = mkdtempSync(join(tmpdir(), 'kurz-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      ...(opts.hostRules?.length ? [`--host-resolver-rules=${opts.hostRules.join(',')}`] : [])],
    viewport: { width: 1280, height: 800 },
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  })
  const page = context.pages()[0] ?? await context.newPage()
  const pageErrors: string[] = []
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)))
  page.on('pageerror', (e) => pageErrors.push(e.message))

  const b: Browser = {
    h, server, base, context, page, pageErrors,
    shot: (name, p = page) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }),
    async expectAccessible(name, p = page) {
      const result = await new AxeBuilder({ page: p }).analyze()
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      expect({ page: name, violations: bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) }).toEqual({ page: name, violations: [] })
    },
    async cookieHeader() {
      return (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ')
    },
    async signUp(email, password) {
      const res = await h.api('POST', '/api/auth/register', { key: null, body: { email, password, name: email.split('@')[0] } })
      if (res.status !== 201) throw new Error(`register ${res.status}: ${JSON.stringify(res.body)}`)
      await b.signIn(email, password)
    },
    async signIn(email, password) {
      await page.goto(`${base}/app/login`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { name: 'Overview' }).waitFor()
    },
    async nav(label, heading = label) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click()
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor()
    },
    async close() {
      await context.close().catch(() => {})
      await server.stop().catch(() => {})
      await h.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
  return b
}
