// Smart links in the dashboard, in Chromium against a real server: a link made in the form with a
// tag, UTM values and a routing rule reaches the API; a refused rule URL is shown under that rule's
// field; A/B weights not adding up to 100 are refused in the form; the link page's A/B panel ends
// the test and the variant becomes the destination; the links list filters by tag; the Tags page
// renames and deletes after confirmation. Screenshots under test/.screenshots/; axe on every state.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { users } from '../src/db/schema'
import { insertApiKey } from '../src/keys/secret'

setDefaultTimeout(120_000)
requireChromiumInCi()

describe.skipIf(!hasChromium)('dashboard smart links in Chromium', () => {
  let b: Browser
  let key: string
  let tagId: string
  const email = `smart-${Date.now()}@x.test`
  const password = 'smart-password-1'

  const link = (slug: string) => b.h.api('GET', `/api/v1/links/${slug}`, { key })
  const form = () => b.page.locator('section').filter({ has: b.page.getByRole('heading', { name: 'New link', exact: true }) }).locator('form')
  const openNew = async () => {
    await b.page.goto(`${b.base}/app/links`)
    await b.page.getByRole('heading', { name: 'Links', exact: true }).waitFor()
    await b.page.getByRole('button', { name: 'New link' }).click()
    await form().getByText(/^Advanced: tags, UTM/).click()
  }

  beforeAll(async () => {
    b = await startBrowser()
    await b.signUp(email, password)
    const [user] = await b.h.deps.db.update(users).set({ plan: 'Pro' }).where(eq(users.email, email)).returning()
    b.h.deps.callers.evictUser(user.id)
    key = (await insertApiKey(b.h.deps.db, user.id, 'e2e')).key
    const tag = await b.h.api('POST', '/api/v1/tags', { key, body: { name: 'launch', color: '#2563eb' } })
    expect(tag.status).toBe(201)
    tagId = tag.body.data.id
    expect((await b.h.api('POST', '/api/v1/utm-templates', { key, body: { name: 'Newsletter', utm: { source: 'news', medium: 'email' } } })).status).toBe(201)
  }, 120_000)

  afterAll(async () => { await b?.close() })

  test('a link made with a tag, UTM from a template and one rule reaches the API', async () => {
    await openNew()
    const f = form()
    await f.getByLabel('Destination URL').fill('https://landing.example/smart')
    await f.getByLabel('Custom slug').fill('smart-one')
    await f.getByRole('button', { name: 'launch' }).click()
    expect(await f.getByRole('button', { name: /launch/ }).getAttribute('aria-pressed')).toBe('true')
    await f.getByLabel('Template').selectOption({ label: 'Newsletter' })
    await f.getByRole('button', { name: 'Apply template' }).click()
    expect(await f.getByLabel('utm_source').inputValue()).toBe('news')
    await f.getByLabel('utm_campaign').fill('spring')
    await f.getByRole('button', { name: 'Add rule' }).click()
    await f.getByLabel('Rule 1 condition 1').selectOption('os')
    await f.getByLabel('Any of (comma-separated)').fill('iOS')
    await f.getByLabel('Rule 1 destination URL').fill('https://landing.example/ios')
    await b.shot('smart-01-form-filled')
    await b.expectAccessible('smart: form filled')
    await f.getByRole('button', { name: 'Create link' }).click()
    await f.waitFor({ state: 'detached' })
    const r = await link('smart-one')
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({
      originalUrl: 'https://landing.example/smart', tagIds: [tagId],
      utm: { source: 'news', medium: 'email', campaign: 'spring' },
      rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://landing.example/ios' }],
    })
    // The row shows its tag as a chip.
    await b.page.getByRole('link', { name: 'smart-one', exact: true }).waitFor()
    await b.page.locator('tbody').getByText('launch').waitFor()
    await b.shot('smart-02-list-with-chip')
    await b.expectAccessible('smart: list with chips')
  })

  test('a refused rule URL is shown under that rule\'s field', async () => {
    await openNew()
    const f = form()
    await f.getByLabel('Destination URL').fill('https://landing.example/x')
    await f.getByRole('button', { name: 'Add rule' }).click()
    await f.getByLabel('Any of (comma-separated)').fill('DE')
    await f.getByLabel('Rule 1 destination URL').fill('javascript:alert(1)')
    await f.getByRole('button', { name: 'Create link' }).click()
    const error = b.page.locator('#f-rule-0-url-error')
    await error.waitFor()
    expect((await error.textContent())!.length).toBeGreaterThan(5)
    expect(await f.getByLabel('Rule 1 destination URL').getAttribute('aria-invalid')).toBe('true')
    // Not claimed by the link's own destination field.
    expect(await b.page.locator('#f-url-error').count()).toBe(0)
    await b.shot('smart-03-rule-error')
    await b.expectAccessible('smart: rule error')
  })

  test('A/B weights that do not add up to 100 are refused in the form', async () => {
    await openNew()
    const f = form()
    await f.getByLabel('Destination URL').fill('https://landing.example/ab')
    await f.getByLabel('Custom slug').fill('ab-form')
    await f.getByRole('button', { name: 'Start an A/B test' }).click()
    await f.getByLabel('Variant A URL').fill('https://landing.example/a')
    await f.getByLabel('Variant B URL').fill('https://landing.example/b')
    await f.getByLabel('Variant A weight').fill('60')
    await f.getByLabel('Variant B weight').fill('30')
    await f.getByRole('button', { name: 'Create link' }).click()
    await b.page.locator('#f-ab-sum').getByText('add up to 90').waitFor()
    expect((await link('ab-form')).status).toBe(404)
    await b.shot('smart-04-ab-sum-error')
    await b.expectAccessible('smart: A/B sum error')
    await f.getByLabel('Variant B weight').fill('40')
    await b.page.locator('#f-ab-sum').getByText('The weights add up to 100.').waitFor()
    await f.getByRole('button', { name: 'Create link' }).click()
    await f.waitFor({ state: 'detached' })
    expect((await link('ab-form')).body.data.abTest).toEqual({ variants: [{ url: 'https://landing.example/a', weight: 60 }, { url: 'https://landing.example/b', weight: 40 }] })
  })

  test('the link page shows the A/B panel; ending the test keeps the chosen variant', async () => {
    await b.page.goto(`${b.base}/app/links/ab-form`)
    await b.page.getByRole('heading', { name: 'A/B test' }).waitFor()
    await b.page.getByRole('button', { name: 'End test, keep B' }).waitFor()
    await b.page.getByLabel('A conversions').fill('0')
    await b.page.getByRole('button', { name: 'Compare' }).click()
    await b.shot('smart-05-ab-panel')
    await b.expectAccessible('smart: A/B panel')
    await b.page.getByRole('button', { name: 'End test, keep B' }).click()
    const dialog = b.page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'End the test and keep variant B?' }).waitFor()
    await b.shot('smart-06-end-confirm')
    await b.expectAccessible('smart: end test confirm')
    await dialog.getByRole('button', { name: 'Keep B' }).click()
    await dialog.waitFor({ state: 'detached' })
    await b.page.getByRole('heading', { name: 'A/B test' }).waitFor({ state: 'detached' })
    const r = await link('ab-form')
    expect(r.body.data).toMatchObject({ originalUrl: 'https://landing.example/b', abTest: null })
    // The rules and UTM of another link are summed up on its page.
    await b.page.goto(`${b.base}/app/links/smart-one`)
    await b.page.getByText('When OS iOS').waitFor()
    await b.shot('smart-07-link-summary')
    await b.expectAccessible('smart: link page summary')
  })

  test('password, click limit, expired URL and preview from the form; the link page and QR options show them', async () => {
    await openNew()
    const f = form()
    await f.getByLabel('Destination URL').fill('https://landing.example/locked')
    await f.getByLabel('Custom slug').fill('locked')
    await f.getByLabel('Password (optional)').fill('open sesame')
    await f.getByLabel('Click limit (optional)').fill('50')
    await f.getByLabel('When expired or used up, go to').fill('https://landing.example/ended')
    await f.getByLabel('Preview heading').fill('Spring sale')
    await f.getByLabel('Preview image (https)').fill('http://landing.example/card.png')
    await f.getByRole('button', { name: 'Create link' }).click()
    // The preview image must be https: the server's refusal sits under that field.
    await b.page.locator('#f-og-image-error').waitFor()
    await f.getByLabel('Preview image (https)').fill('https://landing.example/card.png')
    await f.getByRole('button', { name: 'Create link' }).click()
    await f.waitFor({ state: 'detached' })
    const r = await link('locked')
    expect(r.body.data).toMatchObject({ hasPassword: true, maxClicks: 50, expiredUrl: 'https://landing.example/ended', og: { title: 'Spring sale', image: 'https://landing.example/card.png' } })
    expect(JSON.stringify(r.body.data)).not.toContain('open sesame')
    await b.page.goto(`${b.base}/app/links/locked`)
    await b.page.getByText('Yes: visitors enter it first').waitFor()
    await b.page.getByText('QR options').click()
    await b.page.getByLabel('Error correction').selectOption('H')
    expect(await b.page.locator('img[alt^="QR code"]').getAttribute('src')).toContain('level=H')
    await b.page.waitForFunction(() => { const img = (globalThis as any).document.querySelector('img[alt^="QR code"]'); return img?.complete && img.naturalWidth > 0 })
    await b.shot('smart-07b-access-and-qr')
    await b.expectAccessible('smart: access summary and QR options')
    // Editing: removing the password reaches the API.
    await b.page.goto(`${b.base}/app/links`)
    await b.page.getByRole('button', { name: 'Edit locked' }).click()
    const dialog = b.page.getByRole('dialog')
    await dialog.getByLabel('Remove the password').check()
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await link('locked')).body.data).toMatchObject({ hasPassword: false, maxClicks: 50 })
  })

  test('the links list filters by tag (any / all)', async () => {
    const other = await b.h.api('POST', '/api/v1/tags', { key, body: { name: 'promo', color: '#fde047' } })
    await b.h.api('POST', '/api/v1/links', { key, body: { url: 'https://landing.example/p', slug: 'promo-only', tagIds: [other.body.data.id] } })
    await b.h.api('POST', '/api/v1/links', { key, body: { url: 'https://landing.example/pb', slug: 'both-tags', tagIds: [tagId, other.body.data.id] } })
    await b.page.goto(`${b.base}/app/links`)
    const filter = b.page.getByRole('group', { name: 'Filter by tag' })
    await filter.getByRole('button', { name: 'launch' }).click()
    await b.page.getByRole('link', { name: 'both-tags', exact: true }).waitFor()
    await b.page.getByRole('link', { name: 'promo-only', exact: true }).waitFor({ state: 'detached' })
    expect(await b.page.getByRole('link', { name: 'smart-one', exact: true }).count()).toBe(1)
    await filter.getByRole('button', { name: 'promo' }).click()
    await b.page.getByRole('link', { name: 'promo-only', exact: true }).waitFor()
    await filter.getByLabel('Links with').selectOption('all')
    await b.page.getByRole('link', { name: 'promo-only', exact: true }).waitFor({ state: 'detached' })
    await b.page.getByRole('link', { name: 'smart-one', exact: true }).waitFor({ state: 'detached' })
    expect(await b.page.getByRole('link', { name: 'both-tags', exact: true }).count()).toBe(1)
    await b.shot('smart-08-tag-filter-all')
    await b.expectAccessible('smart: tag filter')
  })

  test('the Tags page renames a tag and deletes one after confirmation', async () => {
    await b.nav('Tags')
    await b.page.getByRole('button', { name: 'Edit tag promo' }).click()
    const dialog = b.page.getByRole('dialog')
    await dialog.getByLabel('Name').fill('promo-2')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'detached' })
    await b.page.getByRole('button', { name: 'Delete tag promo-2' }).click()
    await dialog.getByText('The tag leaves every link').waitFor()
    await b.shot('smart-09-tag-delete-confirm')
    await b.expectAccessible('smart: tag delete confirm')
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })
    await b.page.getByRole('button', { name: 'Delete tag promo-2' }).waitFor({ state: 'detached' })
    const tags = await b.h.api('GET', '/api/v1/tags', { key })
    expect(tags.body.data.map((t: { name: string }) => t.name)).toEqual(['launch'])
    await b.shot('smart-10-tags-page')
    await b.expectAccessible('smart: tags page')
  })

  test('at 360 px the form with every advanced part and the link page fit the screen', async () => {
    await b.page.setViewportSize({ width: 360, height: 740 })
    const overflow = () => b.page.evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth as number })
    await openNew()
    const f = form()
    await f.getByRole('button', { name: 'Add rule' }).click()
    await f.getByLabel('Rule 1 condition 1').selectOption('query')
    await f.getByRole('button', { name: 'Start an A/B test' }).click()
    expect(await overflow()).toBeLessThanOrEqual(0)
    await b.shot('smart-11-360-form', b.page)
    await b.expectAccessible('smart: 360 px form')
    await b.page.goto(`${b.base}/app/links/smart-one`)
    await b.page.getByText('When OS iOS').waitFor()
    expect(await overflow()).toBeLessThanOrEqual(0)
    await b.shot('smart-12-360-link-page')
    // An A/B panel at 360 px in dark mode: its table scrolls inside its card, the page does not.
    const ab = { variants: [{ url: 'https://landing.example/a', weight: 50 }, { url: 'https://landing.example/b', weight: 50 }] }
    expect((await b.h.api('POST', '/api/v1/links', { key, body: { url: 'https://landing.example/ab2', slug: 'ab-narrow', abTest: ab } })).status).toBe(201)
    await b.page.emulateMedia({ colorScheme: 'dark' })
    await b.page.goto(`${b.base}/app/links/ab-narrow`)
    await b.page.getByRole('button', { name: 'End test, keep B' }).waitFor()
    expect(await overflow()).toBeLessThanOrEqual(0)
    await b.shot('smart-13-360-dark-ab-panel')
    await b.expectAccessible('smart: 360 px dark A/B panel')
    await b.page.emulateMedia({ colorScheme: 'light' })
    await b.page.setViewportSize({ width: 1280, height: 800 })
    expect(b.pageErrors).toEqual([])
  })
})
