// The Webhooks page in Chromium against a real server and a local receiver: add an endpoint with
// two events and see its secret once; a test reaches the receiver, signed so that the page's own
// verification code accepts it, and the page shows the answer; a failed delivery is found with the
// status filter and retried; edit, disable and enable, rotate the secret, delete. Every state is
// screenshot and passed through axe.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { startReceiver, type Receiver } from './support/webhook-receiver'
import { users } from '../src/db/schema'
import { VERIFY_SNIPPET } from '../web/webhook-snippet'

setDefaultTimeout(120_000)
requireChromiumInCi()

type Verify = (secret: string, headers: Record<string, string | undefined>, rawBody: string) => boolean

describe.skipIf(!hasChromium)('webhooks page in Chromium', () => {
  let b: Browser
  let receiver: Receiver
  let verify: Verify
  const snippetDir = mkdtempSync(join(tmpdir(), 'kurz-snippet-'))
  const email = `hooks-${Date.now()}@x.test`
  const password = 'e2e-password-1'
  let secret = ''

  beforeAll(async () => {
    receiver = startReceiver()
    // The receiver listens on 127.0.0.1: private addresses are allowed here, as in the webhook tests.
    b = await startBrowser({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '3000' } })
    const res = await b.h.api('POST', '/api/auth/register', { key: null, body: { email, password, name: 'Hooks' } })
    expect(res.status).toBe(201)
    // A plan whose rate limit leaves room for a page that reads several lists.
    await b.h.deps.db.update(users).set({ plan: 'Pro' }).where(eq(users.email, email))
    await b.signIn(email, password)
    // The code the page tells users to copy, run as they would run it.
    writeFileSync(join(snippetDir, 'verify.ts'), VERIFY_SNIPPET)
    verify = (await import(join(snippetDir, 'verify.ts'))).verifyKurzWebhook
  }, 120_000)

  afterAll(async () => {
    receiver?.close()
    await b?.close()
    rmSync(snippetDir, { recursive: true, force: true })
  })

  const page = () => b.page
  const cookie = () => b.cookieHeader()
  const hooks = async () => (await b.h.api('GET', '/api/v1/webhooks', { key: null, headers: { cookie: await cookie() } })).body.data

  test('when the list cannot be read the page says so in words, and trying again works', async () => {
    const list = `${b.base}/api/v1/webhooks`
    await page().route(list, (route) => route.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'A storage dependency is unavailable; try again shortly' } }),
    }))
    await b.nav('Webhooks')
    await page().getByRole('alert').getByText('A storage dependency is unavailable; try again shortly').waitFor()
    expect(await page().content()).not.toContain('SERVICE_UNAVAILABLE')
    await b.shot('hooks-00-error')
    await b.expectAccessible('webhooks (error)')
    await page().unroute(list)
    await page().getByRole('button', { name: 'Try again' }).click()
  })

  test('with no webhook the page says so and shows how to verify a signature', async () => {
    await page().getByText('No webhooks yet').waitFor()
    await page().getByRole('heading', { name: 'Verify signatures' }).waitFor()
    expect(await page().getByLabel('Signature check in TypeScript for Node.js').textContent()).toContain("headers['webhook-signature']")
    await b.shot('hooks-01-empty')
    await b.expectAccessible('webhooks (empty)')
  })

  test('the form names a missing event and a refused URL next to their fields', async () => {
    await page().getByRole('button', { name: 'New webhook' }).click()
    await page().getByLabel('Endpoint URL').fill('ftp://example.com/hook')
    await page().getByRole('button', { name: 'Add webhook' }).click()
    await page().getByText('Pick at least one event.').waitFor()
    await page().getByRole('checkbox', { name: /link\.created/ }).check()
    await page().getByRole('button', { name: 'Add webhook' }).click()
    const url = page().getByLabel('Endpoint URL')
    await page().getByText('only http and https URLs are allowed').waitFor()
    expect(await url.getAttribute('aria-invalid')).toBe('true')
    await b.shot('hooks-02-form-errors')
    await b.expectAccessible('webhooks (form errors)')
    expect(await hooks()).toEqual([])
  })

  test('adding a webhook with two events shows its secret once', async () => {
    await page().getByLabel('Endpoint URL').fill(receiver.url)
    await page().getByLabel('Description').fill('Local receiver')
    await page().getByRole('checkbox', { name: /link\.clicked/ }).check()
    await page().getByRole('button', { name: 'Add webhook' }).click()
    const shown = page().getByRole('region', { name: `Signing secret of ${receiver.url}` })
    await shown.waitFor()
    secret = (await shown.locator('code').textContent()) ?? ''
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    await shown.getByText('shown only this once').waitFor()
    await b.shot('hooks-03-secret-once')
    await b.expectAccessible('webhooks (secret shown)')
    const [hook] = await hooks()
    expect(hook).toMatchObject({ url: receiver.url, description: 'Local receiver', events: ['link.created', 'link.clicked'], isActive: true })
    expect(JSON.stringify(hook)).not.toContain(secret)
    await shown.getByRole('button', { name: 'I have saved it' }).click()
    await page().reload()
    await page().getByRole('heading', { name: receiver.url }).waitFor()
    expect(await page().content()).not.toContain(secret)
    await b.shot('hooks-04-list')
    await b.expectAccessible('webhooks (list)')
  })

  test('a test reaches the receiver, signed as the page\'s code verifies, and its answer is shown', async () => {
    await page().getByRole('button', { name: 'Send test' }).click()
    await page().getByText('Test answer: HTTP 200').waitFor()
    await page().getByText('Test delivery successful').waitFor()
    // the receiver's answer body ('ok'), as plain text under its label
    await page().getByText('Answer body', { exact: true }).waitFor()
    expect(await page().locator('pre[aria-label="Answer body"]').textContent()).toBe('ok')
    expect(receiver.received).toHaveLength(1)
    const got = receiver.received[0]
    expect(got.json).toMatchObject({ event: 'ping', data: { message: 'A test event from Kurz' } })
    expect(got.headers['x-webhook-event']).toBe('ping')
    expect(verify(secret, got.headers, got.body)).toBe(true)
    expect(verify(secret, got.headers, got.body + ' ')).toBe(false)
    await b.shot('hooks-05-test-ok')
    await b.expectAccessible('webhooks (test answered)')
  })

  test('a delivery that failed (HTTP 500) is found with the status filter and retried', async () => {
    receiver.answer = 500
    await page().getByRole('button', { name: 'Send test' }).click()
    await page().getByText('Test answer: HTTP 500').waitFor()
    await page().getByText('Test delivery failed: the endpoint answered HTTP 500').waitFor()
    await b.shot('hooks-06-test-failed')
    receiver.answer = 200
    await page().getByRole('button', { name: 'Deliveries' }).click()
    const deliveries = page().getByRole('region', { name: 'Deliveries' })
    await deliveries.getByText('2 deliveries').waitFor()
    await deliveries.getByLabel('Status').selectOption('FAILED')
    await deliveries.getByText('1 delivery').waitFor()
    await deliveries.getByText('the endpoint answered HTTP 500').waitFor()
    await b.shot('hooks-07-deliveries-failed')
    await b.expectAccessible('webhooks (failed deliveries)')
    const before = receiver.received.length
    await deliveries.getByRole('button', { name: /^Retry ping delivery/ }).click()
    await deliveries.getByText('Retried: delivered (HTTP 200).').waitFor()
    await deliveries.getByText('No delivery with this status').waitFor()
    expect(receiver.received.length).toBe(before + 1)
    await deliveries.getByLabel('Status').selectOption('SUCCESS')
    await deliveries.getByText('2 deliveries').waitFor()
    await b.shot('hooks-08-deliveries-retried')
    await b.expectAccessible('webhooks (deliveries after retry)')
  })

  test('editing changes the URL\'s events and description', async () => {
    await page().getByRole('button', { name: 'Edit' }).click()
    const form = page().getByRole('heading', { name: 'Edit webhook' }).locator('..')
    expect(await form.getByRole('checkbox', { name: /link\.clicked/ }).isChecked()).toBe(true)
    await form.getByRole('checkbox', { name: /link\.clicked/ }).uncheck()
    await form.getByRole('checkbox', { name: /link\.deleted/ }).check()
    await form.getByLabel('Description').fill('Receiver, edited')
    await b.shot('hooks-09-edit')
    await b.expectAccessible('webhooks (edit)')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page().getByText('Receiver, edited').waitFor()
    expect((await hooks())[0]).toMatchObject({ description: 'Receiver, edited', events: ['link.created', 'link.deleted'] })
  })

  test('disable, then enable again', async () => {
    await page().getByRole('button', { name: 'Disable' }).click()
    await page().getByText('Disabled', { exact: true }).waitFor()
    expect((await hooks())[0].isActive).toBe(false)
    await b.shot('hooks-10-disabled')
    await b.expectAccessible('webhooks (disabled)')
    await page().getByRole('button', { name: 'Enable' }).click()
    await page().getByText('Active', { exact: true }).waitFor()
    expect((await hooks())[0].isActive).toBe(true)
  })

  test('rotating the secret asks first, shows the new one once, and only it signs from then on', async () => {
    await page().getByRole('button', { name: 'Rotate secret' }).click()
    const dialog = page().getByRole('dialog', { name: 'Rotate the signing secret?' })
    await dialog.waitFor()
    await b.shot('hooks-11-rotate-dialog')
    await b.expectAccessible('webhooks (rotate dialog)')
    await page().keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await page().getByRole('button', { name: 'Rotate secret' }).click()
    await dialog.getByRole('button', { name: 'Rotate secret' }).click()
    const shown = page().getByRole('region', { name: 'New signing secret' })
    await shown.waitFor()
    const rotated = (await shown.locator('code').textContent()) ?? ''
    expect(rotated).toMatch(/^whsec_/)
    expect(rotated).not.toBe(secret)
    await b.shot('hooks-12-rotated')
    await b.expectAccessible('webhooks (new secret)')
    await page().getByRole('button', { name: 'Send test' }).click()
    await page().getByText('Test answer: HTTP 200').waitFor()
    const last = receiver.received.at(-1)!
    expect(verify(rotated, last.headers, last.body)).toBe(true)
    expect(verify(secret, last.headers, last.body)).toBe(false)
    await shown.getByRole('button', { name: 'I have saved it' }).click()
  })

  test('deliveries are paged ten at a time', async () => {
    // Nine more tests, sent from the page's own origin as the dashboard sends them.
    const id = (await hooks())[0].id
    const statuses = await page().evaluate(async (url) => {
      const out: number[] = []
      for (let i = 0; i < 9; i++) out.push((await fetch(url, { method: 'POST' })).status)
      return out
    }, `${b.base}/api/v1/webhooks/${id}/test`)
    expect(statuses).toEqual(Array(9).fill(200))
    const deliveries = page().getByRole('region', { name: 'Deliveries' })
    await deliveries.getByLabel('Status').selectOption('')
    await deliveries.getByText('12 deliveries · page 1 of 2').waitFor()
    expect(await deliveries.getByRole('listitem').count()).toBe(10)
    await deliveries.getByRole('button', { name: 'Next' }).click()
    await deliveries.getByText('12 deliveries · page 2 of 2').waitFor()
    // (the previous page's rows stay shown until the next page's arrive)
    await deliveries.getByRole('listitem').nth(2).waitFor({ state: 'detached' })
    expect(await deliveries.getByRole('listitem').count()).toBe(2)
    await b.shot('hooks-13-deliveries-page-2')
    await b.expectAccessible('webhooks (deliveries, page 2)')
    await deliveries.getByRole('button', { name: 'Previous' }).click()
    await deliveries.getByText('12 deliveries · page 1 of 2').waitFor()
  })

  test('at 360 px and in dark mode the page fits the screen and stays accessible', async () => {
    await page().setViewportSize({ width: 360, height: 740 })
    await page().emulateMedia({ colorScheme: 'dark' })
    await page().reload()
    await page().getByRole('heading', { name: receiver.url }).waitFor()
    await page().getByRole('button', { name: 'Deliveries' }).click()
    await page().getByRole('region', { name: 'Deliveries' }).getByText('12 deliveries').waitFor()
    const overflow = await page().evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })
    expect(overflow).toBeLessThanOrEqual(0)
    await b.shot('hooks-14-360-dark')
    await b.expectAccessible('webhooks (360 px, dark)')
    await page().getByRole('button', { name: 'New webhook' }).click()
    await page().getByRole('checkbox', { name: /subscription\.created/ }).waitFor()
    expect(await page().evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })).toBeLessThanOrEqual(0)
    await b.shot('hooks-14-360-dark-form')
    await b.expectAccessible('webhooks (360 px, dark, form)')
    await page().getByRole('button', { name: 'Cancel' }).click()
    await page().emulateMedia({ colorScheme: 'light' })
    await page().setViewportSize({ width: 1280, height: 800 })
  })

  test('deleting asks first (by keyboard too: focus goes into the dialog and back), then the webhook is gone', async () => {
    const remove = page().getByRole('button', { name: 'Delete', exact: true })
    const dialog = page().getByRole('dialog', { name: 'Delete this webhook?' })
    await remove.focus()
    await page().keyboard.press('Enter')
    await dialog.waitFor()
    expect(await page().evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Cancel')
    await page().keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    expect(await remove.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true)
    expect(await hooks()).toHaveLength(1)
    await remove.click()
    await dialog.waitFor()
    await b.shot('hooks-15-delete-dialog')
    await b.expectAccessible('webhooks (delete dialog)')
    await dialog.getByRole('button', { name: 'Delete webhook' }).click()
    await page().getByText('No webhooks yet').waitFor()
    expect(await hooks()).toEqual([])
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
