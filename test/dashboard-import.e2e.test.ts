// The Import page in Chromium: a pasted CSV checked in a dry run, then imported, with its progress
// and each failed row's reason; a Bitly export uploaded as a file.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
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
    await b.nav('Import')
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
    await b.shot('import-04-bitly')
  })

  test('no page threw an error along the way', () => {
    expect(b.pageErrors).toEqual([])
  })
})
