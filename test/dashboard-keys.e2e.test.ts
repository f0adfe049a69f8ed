// The API keys and Domains pages in Chromium against a real server: a key is shown once and works,
// regenerate and delete take effect at once, revoke-all asks first; a domain shows the TXT record
// to publish, a failed verification shows what DNS answered (a local DNS server), a published
// record verifies it, and deleting it lists the renamed links. Screenshots and axe on every state.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { startDnsServer, type DnsServer } from './support/dns-server'
import type { Locator } from 'playwright-core'

setDefaultTimeout(120_000)
requireChromiumInCi()

const HOST = 'go.e2e-brand.example'

describe.skipIf(!hasChromium)('API keys and domains pages in Chromium', () => {
  let b: Browser
  let dns: DnsServer
  let jwt: string
  const email = `keys-${Date.now()}@x.test`
  const password = 'e2e-password-1'
  /** The key last shown by the dashboard. */
  let shownKey = ''

  beforeAll(async () => {
    dns = await startDnsServer()
    b = await startBrowser({ env: { DNS_SERVERS: dns.address } })
    await b.signUp(email, password)
    // Custom domains need a paid plan; Business also lifts the Free plan's 30 requests a minute.
    jwt = (await b.h.api('POST', '/api/auth/login', { key: null, body: { email, password } })).body.token
    const me = (await b.h.api('GET', '/api/v1/me', { key: jwt })).body.data
    expect((await b.h.api('PATCH', `/api/v1/admin/users/${me.id}`, { body: { plan: 'Business' } })).status).toBe(200)
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.base })
  }, 120_000)

  afterAll(async () => {
    await b?.close()
    dns?.close()
  })

  const page = () => b.page
  const asKey = (key: string) => b.h.api('GET', '/api/v1/links', { key })
  const secretPanel = () => page().locator('section[aria-labelledby="secret-once-title"]')
  /** Waits for a confirmed action's notice, or for the failure its dialog shows instead, which fails the test by name. */
  const settled = async (dialog: Locator, notice: Locator) => {
    const failure = dialog.getByRole('alert')
    await notice.or(failure).first().waitFor()
    expect(await failure.allTextContents()).toEqual([])
  }
  /** How far the page scrolls sideways, and the deepest elements that stick out past its right edge. */
  const overflow = () => page().evaluate(() => {
    const doc = (globalThis as any).document
    const width = doc.documentElement.clientWidth
    const out = [...doc.querySelectorAll('main *')].filter((el: any) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('[class*="overflow-x-auto"]'))
      .filter((el: any, _: number, all: any[]) => !all.some((o) => o !== el && el.contains(o)))
      .map((el: any) => `${el.tagName.toLowerCase()}: ${(el.textContent ?? '').slice(0, 40)}`)
    return { scroll: doc.documentElement.scrollWidth - width, out }
  })

  describe('API keys', () => {
    test('the page starts empty', async () => {
      await b.nav('API keys')
      await page().getByText('No API keys yet').waitFor()
      await b.shot('keys-01-empty')
      await b.expectAccessible('keys (empty)')
    })

    test('an API failure shows a message with a way to try again, never raw JSON', async () => {
      await page().route('**/api/v1/keys', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, data: null, error: { code: 'SERVICE_UNAVAILABLE', message: 'Storage did not answer; try again shortly' } }) }))
      await page().reload()
      await page().getByRole('alert').getByText('Storage did not answer; try again shortly').waitFor()
      expect(await page().getByRole('button', { name: 'Try again' }).isVisible()).toBe(true)
      await b.shot('keys-02-error')
      await b.expectAccessible('keys (error)')
      await page().unroute('**/api/v1/keys')
      await page().getByRole('button', { name: 'Try again' }).click()
      await page().getByText('No API keys yet').waitFor()
    })

    test('create: a name is required (said next to the field), then the key is shown once with a copy button and a warning', async () => {
      await page().getByRole('button', { name: 'New key' }).click()
      await page().getByRole('button', { name: 'Create key' }).click()
      await page().locator('#f-name-error').waitFor()
      expect(await page().getByLabel('Name').getAttribute('aria-invalid')).toBe('true')
      await page().getByLabel('Name').fill('CI server')
      await page().getByRole('button', { name: 'Create key' }).click()
      await secretPanel().waitFor()
      await secretPanel().getByText('it will not be shown again').waitFor()
      shownKey = (await secretPanel().locator('code').textContent())!
      expect(shownKey).toMatch(/^sk_live_[A-Za-z0-9]{40}$/)
      await secretPanel().getByRole('button', { name: 'Copy' }).click()
      await secretPanel().getByRole('button', { name: 'Copied' }).waitFor()
      expect(await page().evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(shownKey)
      await b.shot('keys-03-created')
      await b.expectAccessible('keys (new key shown)')
    })

    test('the shown key works against the API, and the list then shows its last use', async () => {
      expect((await asKey(shownKey)).status).toBe(200)
      await b.nav('Links')
      await b.nav('API keys')
      await page().getByText('Last used').waitFor()
    })

    test('after leaving the page and coming back only the masked form shows', async () => {
      expect(await secretPanel().count()).toBe(0)
      const body = (await page().locator('main').textContent())!
      expect(body).not.toContain(shownKey)
      const masked = `${shownKey.slice(0, 12)}…${shownKey.slice(-4)}`
      await page().getByText(masked).waitFor()
      await page().getByText('CI server').waitFor()
      await b.shot('keys-04-list')
      await b.expectAccessible('keys (list)')
    })

    test('usage: the requests of the last 30 days and their total', async () => {
      await page().getByRole('button', { name: 'Usage of CI server' }).click()
      const chart = page().getByRole('img', { name: /CI server: \d+ requests? in the last 30 days/ })
      await chart.waitFor()
      expect(await page().getByRole('button', { name: 'Usage of CI server' }).getAttribute('aria-expanded')).toBe('true')
      await page().getByText(/\d+ requests? in the last 30 days/).first().waitFor()
      await b.shot('keys-05-usage')
      await b.expectAccessible('keys (usage)')
    })

    test('regenerate asks first (Escape cancels), then shows the new key once; the old one stops working', async () => {
      const button = page().getByRole('button', { name: 'Regenerate CI server' })
      await button.click()
      const dialog = page().getByRole('dialog', { name: 'Regenerate “CI server”?' })
      await dialog.waitFor()
      // Cancel has the focus: Enter alone never confirms.
      expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true)
      await b.shot('keys-06-regenerate-confirm')
      await b.expectAccessible('keys (regenerate dialog)')
      await page().keyboard.press('Escape')
      await dialog.waitFor({ state: 'hidden' })
      expect((await asKey(shownKey)).status).toBe(200)
      await button.focus()
      await page().keyboard.press('Enter')
      await dialog.getByRole('button', { name: 'Regenerate' }).click()
      await secretPanel().getByText('New value for “CI server”').waitFor()
      const fresh = (await secretPanel().locator('code').textContent())!
      expect(fresh).toMatch(/^sk_live_/)
      expect(fresh).not.toBe(shownKey)
      expect((await asKey(shownKey)).status).toBe(401)
      expect((await asKey(fresh)).status).toBe(200)
      shownKey = fresh
      await b.shot('keys-07-regenerated')
      await secretPanel().getByRole('button', { name: 'Done' }).click()
      expect(await secretPanel().count()).toBe(0)
    })

    test('delete asks first, then the key is refused', async () => {
      await page().getByRole('button', { name: 'Delete CI server' }).click()
      const dialog = page().getByRole('dialog', { name: 'Delete “CI server”?' })
      await dialog.waitFor()
      await b.shot('keys-08-delete-confirm')
      await dialog.getByRole('button', { name: 'Delete key' }).click()
      await settled(dialog, page().getByText('Key “CI server” deleted'))
      await page().getByText('No API keys yet').waitFor()
      expect((await asKey(shownKey)).status).toBe(401)
    })

    test('revoke all: a danger action that asks first and revokes every key', async () => {
      const made = [] as string[]
      for (const name of ['deploy', 'backup']) made.push((await b.h.api('POST', '/api/v1/keys', { key: jwt, body: { name } })).body.data.key)
      await page().reload()
      await page().getByText('backup').waitFor()
      await page().getByRole('button', { name: 'Revoke all keys' }).click()
      const dialog = page().getByRole('dialog', { name: 'Revoke all API keys?' })
      await dialog.getByText('All 2 keys stop working').waitFor()
      await b.shot('keys-09-revoke-all-confirm')
      await b.expectAccessible('keys (revoke all dialog)')
      await dialog.getByRole('button', { name: 'Revoke all keys' }).click()
      await settled(dialog, page().getByText('2 keys revoked.'))
      await page().getByText('No API keys yet').waitFor()
      for (const key of made) expect((await asKey(key)).status).toBe(401)
      // The dashboard's own session is not a key: it keeps working.
      await b.nav('Links')
    })
  })

  describe('Domains', () => {
    let token = ''

    test('the page starts empty', async () => {
      await b.nav('Domains')
      await page().getByText('No custom domains yet').waitFor()
      await b.shot('domains-01-empty')
      await b.expectAccessible('domains (empty)')
    })

    test('while the list loads it says so; a failure says what happened, with a retry', async () => {
      let release = () => {}
      const held = new Promise<void>((resolve) => { release = resolve })
      await page().route('**/api/v1/domains', async (r) => {
        await held
        await r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, data: null, error: { code: 'SERVICE_UNAVAILABLE', message: 'Storage did not answer; try again shortly' } }) })
      })
      await page().reload()
      await page().getByRole('status').getByText('Loading domains…').waitFor()
      await b.shot('domains-01-loading')
      await b.expectAccessible('domains (loading)')
      release()
      await page().getByRole('alert').getByText('Storage did not answer; try again shortly').waitFor({ timeout: 20_000 })
      await b.shot('domains-01-error')
      await b.expectAccessible('domains (error)')
      await page().unroute('**/api/v1/domains')
      await page().getByRole('button', { name: 'Try again' }).click()
      await page().getByText('No custom domains yet').waitFor()
    })

    test('a bad hostname is named next to its field', async () => {
      await page().getByRole('button', { name: 'Add domain' }).click()
      await page().getByLabel('Hostname').fill('not a host!')
      await page().getByRole('button', { name: 'Add domain' }).last().click()
      await page().locator('#f-hostname-error').waitFor()
      expect(await page().getByLabel('Hostname').getAttribute('aria-invalid')).toBe('true')
      await b.shot('domains-02-field-error')
      await b.expectAccessible('domains (field error)')
    })

    test('adding one shows the exact TXT record to publish, each part copyable', async () => {
      await page().getByLabel('Hostname').fill(HOST)
      await page().getByRole('button', { name: 'Add domain' }).last().click()
      await page().getByRole('heading', { name: HOST }).waitFor()
      const listed = (await b.h.api('GET', '/api/v1/domains', { key: jwt })).body.data
      token = listed[0].verificationToken
      expect(token).toMatch(/^kurz-verify=/)
      const record = page().locator('dl').filter({ hasText: token })
      await record.getByText(`_kurz.${HOST}`).waitFor()
      await record.getByText('TXT', { exact: true }).waitFor()
      await record.getByRole('button', { name: 'Copy record value' }).click()
      expect(await page().evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(token)
      await record.getByRole('button', { name: 'Copy record name' }).click()
      expect(await page().evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(`_kurz.${HOST}`)
      await page().getByText('Pending verification').waitFor()
      await b.shot('domains-03-pending')
      await b.expectAccessible('domains (pending)')
    })

    test('verify without the record fails and shows what DNS answered', async () => {
      dns.txt.set(HOST, ['v=spf1 -all'])
      await page().getByRole('button', { name: `Verify ${HOST}` }).click()
      await page().getByRole('alert').getByText(`No TXT record "${token}"`).waitFor()
      await page().getByRole('list', { name: `TXT records at ${HOST}` }).getByText('v=spf1 -all').waitFor()
      await page().getByText('no TXT record', { exact: true }).waitFor()
      await b.shot('domains-04-verify-failed')
      await b.expectAccessible('domains (verify failed)')
    })

    test('verify succeeds once the record is published', async () => {
      dns.txt.set(`_kurz.${HOST}`, [token])
      await page().getByRole('button', { name: `Verify ${HOST}` }).click()
      await page().getByText('Verified', { exact: true }).waitFor()
      expect(await page().getByRole('button', { name: `Verify ${HOST}` }).count()).toBe(0)
      expect((await b.h.api('GET', '/api/v1/domains', { key: jwt })).body.data[0].isVerified).toBe(true)
      await b.shot('domains-05-verified')
      await b.expectAccessible('domains (verified)')
    })

    test('delete asks first, then lists the links renamed because their slug was taken', async () => {
      for (const slug of ['spring-sale', 'keep-me']) {
        const r = await b.h.api('POST', '/api/v1/links', { key: jwt, body: { url: 'https://example.com/' + slug, slug, domain: HOST } })
        expect(r.status).toBe(201)
      }
      await b.h.createLink({ url: 'https://example.com/taken', slug: 'spring-sale' })
      await page().getByRole('button', { name: `Delete ${HOST}` }).click()
      const dialog = page().getByRole('dialog', { name: `Delete ${HOST}?` })
      await dialog.getByText('Its links move to the default domain').waitFor()
      await b.shot('domains-06-delete-confirm')
      await b.expectAccessible('domains (delete dialog)')
      await dialog.getByRole('button', { name: 'Delete domain' }).click()
      await page().getByText(`${HOST} deleted: 2 links moved to the default domain`).waitFor()
      const renamed = page().getByRole('list', { name: 'Renamed links' })
      await renamed.getByText('spring-sale', { exact: true }).waitFor()
      const to = (await renamed.getByRole('link').textContent())!
      expect(to).toMatch(/^spring-sale-[A-Za-z0-9]{4}$/)
      expect((await b.h.api('GET', `/api/v1/links/${to}`, { key: jwt })).body.data.shortUrl).toBe(`${b.base}/${to}`)
      await page().getByText('No custom domains yet').waitFor()
      await b.shot('domains-07-deleted')
      await b.expectAccessible('domains (deleted)')
    })
  })

  test('at 360 px both pages fit the screen, long keys and tokens included', async () => {
    await page().setViewportSize({ width: 360, height: 740 })
    await b.nav('API keys')
    await page().getByRole('button', { name: 'New key' }).click()
    await page().getByLabel('Name').fill('A phone-sized key with a rather long name')
    await page().getByRole('button', { name: 'Create key' }).click()
    await secretPanel().waitFor()
    await page().getByRole('button', { name: /^Usage of/ }).click()
    await page().getByRole('img', { name: /in the last 30 days/ }).waitFor()
    expect(await overflow()).toEqual({ scroll: 0, out: [] })
    await b.shot('keys-10-360')
    await b.nav('Domains')
    await page().getByRole('button', { name: 'Add domain' }).click()
    await page().getByLabel('Hostname').fill('links.a-rather-long-subdomain.e2e-brand.example')
    await page().getByRole('button', { name: 'Add domain' }).last().click()
    await page().getByText('Pending verification').waitFor()
    await page().getByRole('button', { name: /^Verify / }).click()
    await page().getByText('What DNS answered').waitFor()
    expect(await overflow()).toEqual({ scroll: 0, out: [] })
    await b.shot('domains-08-360')
    await page().setViewportSize({ width: 1280, height: 800 })
  })

  test('dark mode: both pages follow the system and stay accessible', async () => {
    await page().emulateMedia({ colorScheme: 'dark' })
    await page().reload()
    await page().getByText('Pending verification').waitFor()
    await b.shot('domains-09-dark')
    await b.expectAccessible('domains (dark)')
    await b.nav('API keys')
    await page().getByText('Never used').waitFor()
    await page().getByRole('button', { name: 'Revoke all keys' }).click()
    await page().getByRole('dialog', { name: 'Revoke all API keys?' }).waitFor()
    await b.shot('keys-11-dark-dialog')
    await b.expectAccessible('keys (dark dialog)')
    await page().keyboard.press('Escape')
    await b.shot('keys-12-dark')
    await b.expectAccessible('keys (dark)')
    await page().emulateMedia({ colorScheme: 'light' })
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
