// The links page in Chromium against a real server: edit a link's slug and title, a refusal shown
// under its field, disable / enable / delete behind a confirmation dialog (Escape closes it and
// focus comes back), bulk disable of two selected rows, and bulk create from pasted CSV with each
// row's result. Screenshots under test/.screenshots/; axe-core judges every state.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { users } from '../src/db/schema'
import { insertApiKey } from '../src/keys/secret'

setDefaultTimeout(120_000)
requireChromiumInCi()

describe.skipIf(!hasChromium)('dashboard links page in Chromium', () => {
  let b: Browser
  let key: string
  const email = `links-${Date.now()}@x.test`
  const password = 'links-password-1'

  const link = (slug: string) => b.h.api('GET', `/api/v1/links/${slug}`, { key })
  const make = async (slug: string, title?: string) => {
    const r = await b.h.api('POST', '/api/v1/links', { key, body: { url: `https://landing.example/${slug}`, slug, ...(title ? { title } : {}) } })
    expect(r.status).toBe(201)
  }
  const dialog = () => b.page.getByRole('dialog')
  const openLinks = async () => {
    await b.page.goto(`${b.base}/app/links`)
    await b.page.getByRole('heading', { name: 'Links', exact: true }).waitFor()
  }

  beforeAll(async () => {
    b = await startBrowser()
    await b.signUp(email, password)
    // A paid plan: its request rate leaves room for a test's many calls.
    const [user] = await b.h.deps.db.update(users).set({ plan: 'Pro' }).where(eq(users.email, email)).returning()
    // Signing in cached the account (on the Free plan) for every instance: as the admin API does.
    b.h.deps.callers.evictUser(user.id)
    key = (await insertApiKey(b.h.deps.db, user.id, 'e2e')).key
    await make('edit-me', 'Before edit')
    await openLinks()
  }, 120_000)

  afterAll(async () => { await b?.close() })

  test('edit a link: a new title and slug in the form reach the API and the table', async () => {
    await b.page.getByRole('button', { name: 'Edit edit-me' }).click()
    await dialog().getByRole('heading', { name: 'Edit edit-me' }).waitFor()
    // Focus moved into the dialog, on its first field for this link (the slug).
    expect(await b.page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('f-slug')
    await b.shot('links-01-edit-dialog')
    await b.expectAccessible('links: edit dialog')
    await dialog().getByLabel('Slug').fill('edited-slug')
    await dialog().getByLabel('Title').fill('After edit')
    await dialog().getByRole('button', { name: 'Save changes' }).click()
    await dialog().waitFor({ state: 'detached' })
    await b.page.getByRole('link', { name: 'After edit' }).waitFor()
    expect(await b.page.getByRole('link', { name: 'After edit' }).getAttribute('href')).toBe('/app/links/edited-slug')
    const r = await link('edited-slug')
    expect(r.body.data).toMatchObject({ slug: 'edited-slug', title: 'After edit', originalUrl: 'https://landing.example/edit-me' })
    expect((await link('edit-me')).status).toBe(404)
    await b.shot('links-02-edited')
    await b.expectAccessible('links: after edit')
  })

  test('a refused slug is shown next to its field; Escape closes the dialog and focus returns', async () => {
    const edit = b.page.getByRole('button', { name: 'Edit edited-slug' })
    await edit.click()
    await dialog().getByLabel('Slug').fill('bad slug!')
    await dialog().getByRole('button', { name: 'Save changes' }).click()
    const error = b.page.locator('#f-slug-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('A slug is 1 to 64 characters')
    expect(await dialog().getByLabel('Slug').getAttribute('aria-invalid')).toBe('true')
    expect(await dialog().getByLabel('Slug').getAttribute('aria-describedby')).toBe('f-slug-error')
    await b.shot('links-03-field-error')
    await b.expectAccessible('links: field error')
    await b.page.keyboard.press('Escape')
    await dialog().waitFor({ state: 'detached' })
    expect(await edit.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true)
    expect((await link('edited-slug')).body.data.slug).toBe('edited-slug')
  })

  test('disable, then enable, each after a confirmation', async () => {
    await b.page.getByRole('button', { name: 'Disable edited-slug' }).click()
    await dialog().getByRole('heading', { name: 'Disable edited-slug?' }).waitFor()
    // Cancel has the focus first: Enter never confirms by accident. Tab stays inside the dialog.
    expect(await b.page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Cancel')
    for (let i = 0; i < 4; i++) await b.page.keyboard.press('Tab')
    expect(await dialog().evaluate((el) => el.contains((globalThis as any).document.activeElement))).toBe(true)
    await b.shot('links-04-confirm-disable')
    await b.expectAccessible('links: confirm disable')
    await dialog().getByRole('button', { name: 'Disable', exact: true }).click()
    await b.page.getByRole('button', { name: 'Enable edited-slug' }).waitFor()
    expect((await link('edited-slug')).body.data.status).toBe('DISABLED')
    await b.shot('links-05-disabled')
    await b.page.getByRole('button', { name: 'Enable edited-slug' }).click()
    await dialog().getByRole('button', { name: 'Enable', exact: true }).click()
    await b.page.getByRole('button', { name: 'Disable edited-slug' }).waitFor()
    expect((await link('edited-slug')).body.data.status).toBe('ACTIVE')
  })

  test('delete after a confirmation: the row goes and the API has it no more', async () => {
    await make('delete-me', 'To delete')
    await openLinks()
    await b.page.getByRole('button', { name: 'Delete delete-me' }).click()
    await dialog().getByText('This cannot be undone').waitFor()
    await b.shot('links-06-confirm-delete')
    await b.expectAccessible('links: confirm delete')
    await dialog().getByRole('button', { name: 'Delete', exact: true }).click()
    await dialog().waitFor({ state: 'detached' })
    await b.page.getByText('Deleted delete-me.').waitFor()
    await b.page.getByRole('link', { name: 'To delete' }).waitFor({ state: 'detached' })
    expect((await link('delete-me')).status).toBe(404)
  })

  test('select two links and disable both at once', async () => {
    await make('bulk-a')
    await make('bulk-b')
    await openLinks()
    await b.page.getByRole('checkbox', { name: 'Select bulk-a' }).check()
    await b.page.getByRole('checkbox', { name: 'Select bulk-b' }).check()
    await b.page.getByText('2 selected').waitFor()
    await b.shot('links-07-selected')
    await b.expectAccessible('links: two selected')
    await b.page.getByRole('button', { name: 'Disable selected' }).click()
    await dialog().getByRole('heading', { name: 'Disable 2 links?' }).waitFor()
    await dialog().getByRole('button', { name: 'Disable', exact: true }).click()
    await b.page.getByText('Disabled 2 links.').waitFor()
    for (const slug of ['bulk-a', 'bulk-b']) expect((await link(slug)).body.data.status).toBe('DISABLED')
    expect((await link('edited-slug')).body.data.status).toBe('ACTIVE')
    expect(await b.page.getByRole('checkbox', { name: 'Select all links on this page' }).isChecked()).toBe(false)
  })

  test('paste CSV of three rows, one with a bad URL: two created and one error row', async () => {
    await b.page.getByRole('button', { name: 'Import CSV' }).click()
    await b.page.getByLabel('CSV rows').fill('url,slug,title\nhttps://landing.example/one,csv-one,First\nnot a url,csv-bad\n"https://landing.example/two?a=1,2",csv-two,"Second, quoted"')
    await b.page.getByRole('button', { name: 'Create 3 links' }).click()
    await b.page.getByText('2 created, 1 failed').waitFor()
    const results = b.page.getByRole('list', { name: 'Import results' })
    expect(await results.getByRole('listitem').count()).toBe(3)
    await results.getByRole('link', { name: `${b.base}/csv-one` }).waitFor()
    await results.getByRole('link', { name: `${b.base}/csv-two` }).waitFor()
    expect(await results.getByRole('listitem').nth(1).textContent()).toContain('Error:')
    await b.shot('links-08-csv-results')
    await b.expectAccessible('links: CSV results')
    expect((await link('csv-two')).body.data).toMatchObject({ originalUrl: 'https://landing.example/two?a=1,2', title: 'Second, quoted', source: 'DASHBOARD' })
    expect((await link('csv-one')).body.data.source).toBe('DASHBOARD')
    expect((await link('csv-bad')).status).toBe(404)
    await b.page.getByRole('link', { name: 'Second, quoted' }).waitFor()
  })

  test('create a Wi-Fi link in the form: its payload fields, a missing one named under its field', async () => {
    await b.page.getByRole('button', { name: 'New link' }).click()
    await b.page.getByLabel('Kind').selectOption('wifi')
    await b.page.getByLabel('Custom slug').fill('guest-wifi')
    await b.page.getByLabel('Single use (works for one visit)').check()
    await b.page.getByRole('button', { name: 'Create link' }).click()
    await b.page.locator('#f-payload-ssid-error').waitFor()
    expect(await b.page.getByLabel('Network name (SSID)').getAttribute('aria-invalid')).toBe('true')
    await b.shot('links-09-wifi-error')
    await b.expectAccessible('links: typed link error')
    await b.page.getByLabel('Network name (SSID)').fill('Guests')
    await b.page.getByLabel('Password').fill('guest-pass-1')
    await b.page.getByLabel('Expires').selectOption('7d')
    await b.page.getByRole('button', { name: 'Create link' }).click()
    await b.page.getByRole('link', { name: 'guest-wifi', exact: true }).waitFor()
    const r = (await link('guest-wifi')).body.data
    expect(r).toMatchObject({ kind: 'wifi', payload: { ssid: 'Guests', encryption: 'WPA', password: 'guest-pass-1', hidden: false }, singleUse: true, source: 'DASHBOARD' })
    expect(new Date(r.expiresAt).getTime() - Date.now()).toBeGreaterThan(6 * 86_400_000)
  })

  test('at 360 px in dark mode the page fits the screen and stays accessible', async () => {
    await b.page.setViewportSize({ width: 360, height: 740 })
    await b.page.emulateMedia({ colorScheme: 'dark' })
    await openLinks()
    await b.page.getByRole('link', { name: 'After edit' }).waitFor()
    const overflow = await b.page.evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })
    expect(overflow).toBeLessThanOrEqual(0)
    await b.shot('links-10-360-dark')
    await b.expectAccessible('links: 360 px dark')
    await b.page.getByRole('button', { name: 'Edit edited-slug' }).click()
    await dialog().getByRole('heading', { name: 'Edit edited-slug' }).waitFor()
    await b.shot('links-11-360-edit')
    await b.expectAccessible('links: 360 px edit')
    await b.page.keyboard.press('Escape')
    await b.page.emulateMedia({ colorScheme: 'light' })
    await b.page.setViewportSize({ width: 1280, height: 800 })
  })

  test('no script error on any page', () => {
    expect(b.pageErrors).toEqual([])
  })
})
