// The Import and export page in Chromium: a pasted CSV checked in a dry run, then imported, with its
// progress and each failed row's reason; a Bitly export uploaded as a file; the links downloaded.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { hasChromium, requireChromiumInCi, startBrowser, type Browser } from './support/browser'
import { links, users } from '../src/db/schema'

setDefaultTimeout(120_000)
requireChromiumInCi()

describe.skipIf(!hasChromium)('import page in Chromium', () => {
  let b: Browser
  const email = `import-${Date.now()}@x.test`
  beforeAll(async () => {
    b = await startBrowser()
    await b.signUp(email, 'import-password-1')
  }, 120_000)
  afterAll(() => b?.close())

  const ownLinks = async () => {
    const [u] = await b.h.deps.db.select({ id: users.id }).from(users).where(eq(users.email, email))
    return b.h.deps.db.select().from(links).where(eq(links.userId, u.id))
  }

  test('an account with no imports sees the form and an empty history', async () => {
    await b.nav('Import & export', 'Import and export')
    await b.page.getByText('No imports yet').waitFor()
    await b.shot('import-01-empty')
    await b.expectAccessible('import (empty)')
  })

  test('a dry run of a pasted CSV reports what it would create and why a row fails, and creates nothing', async () => {
    const { page } = b
    await page.getByLabel('Or paste it').fill(`url,slug,title\nhttps://example.com/a,imp-a,A\nnot a url,imp-b,B\nhttps://example.com/c,imp-c,C\n`)
    await page.getByRole('button', { name: 'Check the file' }).click()
    await page.getByText('Checked: nothing was created').waitFor()
    await expect(page.getByText('Would create').locator('..').locator('dd').textContent()).resolves.toBe('2')
    await page.getByRole('cell', { name: /originalUrl/ }).waitFor()
    expect(await ownLinks()).toEqual([])
    await b.shot('import-02-dry-run')
    await b.expectAccessible('import (dry run)')
  })

  test('the same file imported for real creates its links; the history lists both runs', async () => {
    const { page } = b
    await page.getByLabel('Dry run: check every row, create nothing').uncheck()
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.getByText('Done', { exact: true }).waitFor()
    await expect(page.getByText('Created', { exact: true }).locator('..').locator('dd').textContent()).resolves.toBe('2')
    expect((await ownLinks()).map((l) => [l.slug, l.source]).sort()).toEqual([['imp-a', 'IMPORT'], ['imp-c', 'IMPORT']])
    await page.getByRole('button', { name: /dry run/ }).waitFor()
    expect(await page.getByRole('listitem').filter({ hasText: 'created' }).count()).toBe(2)
    await page.getByRole('listitem').filter({ hasText: 'would be created' }).waitFor()
    await b.shot('import-03-done')
  })

  test('a Bitly export uploaded as a file is recognised and imported', async () => {
    const { page } = b
    await page.getByLabel('File').setInputFiles(join(import.meta.dir, 'fixtures', 'imports', 'bitly.csv'))
    await page.getByRole('button', { name: 'Import', exact: true }).click()
    await page.getByRole('button', { name: /^Bitly/ }).waitFor()
    await page.getByText('Done', { exact: true }).waitFor()
    expect((await ownLinks()).map((l) => l.slug)).toContain('our-menu')
    // The history shows the finished import's counts, not those it had when it started.
    await page.getByRole('button', { name: /^Bitly/ }).filter({ hasText: '3 created' }).waitFor()
    await b.shot('import-04-bitly')
  })

  test('every link downloads as CSV and as JSON, and the JSON export imports back', async () => {
    const { page } = b
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Links as CSV' }).click()])
    expect(csv.suggestedFilename()).toMatch(/^kurz-links-\d{4}-\d{2}-\d{2}\.csv$/)
    const text = readFileSync((await csv.path())!, 'utf8')
    expect(text.split('\n')[0]).toContain('slug')
    expect(text).toContain('imp-a')
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Links as JSON' }).click()])
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { slug: string }[]
    expect(exported.map((l) => l.slug)).toContain('our-menu')
    // Kurz's own export, imported into the same account: every link is already there.
    const again = await b.h.api('POST', '/api/v1/imports', { key: null, headers: { cookie: await b.cookieHeader(), origin: b.base, 'content-type': 'application/json' }, body: JSON.stringify(exported) })
    expect(again.status).toBe(202)
    expect(again.body.data).toMatchObject({ format: 'kurz', total: exported.length })
    let done = again.body.data
    for (let i = 0; i < 200 && done.status !== 'DONE'; i++) {
      await Bun.sleep(50)
      done = (await b.h.api('GET', `/api/v1/imports/${done.id}`, { key: null, headers: { cookie: await b.cookieHeader() } })).body.data
    }
    expect(done).toMatchObject({ status: 'DONE', created: 0, skipped: exported.length, failed: 0 })
    await b.shot('import-05-export')
    await b.expectAccessible('import and export')
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
