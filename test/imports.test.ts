// Imports from a file: Kurz's own export and Bitly's, Kutt's, YOURLS's and Shlink's, in the
// background, with progress, dry runs, plan limits, no overwrite of another account's slug,
// nothing new on a second run, and a resume after an instance stopped mid-way.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { createHarness, engines, redisUrl, type Harness } from './support/harness'
import { createUser } from './support/users'
import { imports, links, usagePeriods } from '../src/db/schema'
import { currentPeriod } from '../src/plans/period'
import { runNextChunk } from '../src/imports/service'
import { parseCsv, readFile } from '../src/imports/formats'

setDefaultTimeout(60_000)

const sample = (name: string) => readFileSync(join(import.meta.dir, 'fixtures', 'imports', name), 'utf8')
const CSV = { 'content-type': 'text/csv' }
const JSON_TYPE = { 'content-type': 'application/json' }

describe('reading export files', () => {
  test('CSV fields may hold commas, quotes and line breaks', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","line\nbreak"\r\n')).toEqual([['a', 'b'], ['x, "y"', 'line\nbreak']])
  })

  test('each service\'s export is recognised from its shape, with slugs, domains and titles', () => {
    const bitly = readFile(sample('bitly.csv'), 'auto', 16)
    expect(bitly.format).toBe('bitly')
    expect(bitly.rows.map((r) => [r.slug, r.domain, r.url])).toEqual([
      ['3xYzAbc', 'bit.ly', 'https://example.com/launch?ref=print'],
      ['our-menu', 'bit.ly', 'https://example.com/menu'],
      ['jobs2024', 'bit.ly', 'https://example.com/careers'],
    ])
    expect(bitly.rows[0].tags).toEqual(['print', 'launch'])
    expect(bitly.rows[2].title).toBe('Careers, jobs')
    const kutt = readFile(sample('kutt.json'), 'auto', 16)
    expect(kutt.format).toBe('kutt')
    expect(kutt.rows[0]).toMatchObject({ row: 1, slug: 'guide', url: 'https://example.com/docs', title: 'Docs' })
    const yourls = readFile(sample('yourls.csv'), 'auto', 16)
    expect(yourls.format).toBe('yourls')
    expect(yourls.rows[0]).toMatchObject({ slug: 'ozh', url: 'http://ozh.org/', title: 'Ozh, the site' })
    const shlink = readFile(sample('shlink.csv'), 'auto', 16)
    expect(shlink.format).toBe('shlink')
    expect(shlink.rows[0]).toMatchObject({ slug: 'abc12', domain: 's.test', url: 'https://example.com/shlink-one', tags: ['a', 'b'] })
    const kurz = readFile(sample('kurz.json'), 'auto', 16)
    expect(kurz.format).toBe('kurz')
    expect(kurz.rows[1]).toMatchObject({ row: 2, slug: 'kurz-two', url: 'https://example.com/kurz-two' })
  })

  test('a file without a destination column, an empty file and broken JSON are refused with reasons', () => {
    expect(() => readFile('name,age\nx,1\n', 'auto', 16)).toThrow('names no destination column')
    expect(() => readFile('  \n', 'auto', 16)).toThrow('empty')
    expect(() => readFile('[{"originalUrl": ', 'auto', 16)).toThrow()
    expect(() => readFile('url\n', 'auto', 16)).toThrow('no links')
  })
})

describe.each(engines)('imports on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: !!redisUrl }) }, 120_000)
  afterAll(() => h?.close())

  async function upload(key: string, body: string, query = '', headers: Record<string, string> = CSV) {
    return h.api('POST', `/api/v1/imports${query}`, { key, body, headers })
  }

  async function finished(key: string, id: string) {
    for (let i = 0; i < 400; i++) {
      const r = await h.api('GET', `/api/v1/imports/${id}`, { key })
      expect(r.status).toBe(200)
      if (r.body.data.status === 'DONE' || r.body.data.status === 'FAILED') return r.body.data
      await Bun.sleep(25)
    }
    throw new Error(`the import did not finish: ${JSON.stringify((await h.api('GET', `/api/v1/imports/${id}`, { key })).body.data)}`)
  }

  const ownLinks = (userId: string) => h.deps.db.select().from(links).where(eq(links.userId, userId))

  test('a Bitly export becomes links with their slugs, marked IMPORT; progress counts every row', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const r = await upload(u.key, sample('bitly.csv'))
    expect(r.status).toBe(202)
    expect(r.body.data).toMatchObject({ format: 'bitly', total: 3, dryRun: false })
    const done = await finished(u.key, r.body.data.id)
    expect(done).toMatchObject({ status: 'DONE', total: 3, done: 3, created: 3, skipped: 0, failed: 0, errors: [] })
    const rows = await ownLinks(u.id)
    expect(rows.map((l) => [l.slug, l.originalUrl, l.source]).sort()).toEqual([
      ['3xYzAbc', 'https://example.com/launch?ref=print', 'IMPORT'],
      ['jobs2024', 'https://example.com/careers', 'IMPORT'],
      ['our-menu', 'https://example.com/menu', 'IMPORT'],
    ])
    // bit.ly is not one of the account's domains: the links are on the default one, and redirect.
    expect(rows.every((l) => l.domain === '')).toBe(true)
  })

  test('importing the same file twice creates nothing new', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    await finished(u.key, (await upload(u.key, sample('kutt.json'), '', JSON_TYPE)).body.data.id)
    const again = await finished(u.key, (await upload(u.key, sample('kutt.json'), '', JSON_TYPE)).body.data.id)
    expect(again).toMatchObject({ status: 'DONE', created: 0, skipped: 2, failed: 0 })
    expect((await ownLinks(u.id)).length).toBe(2)
  })

  test('a slug another account holds is a failed row with its number and reason, never an overwrite', async () => {
    const other = await createUser(h, { plan: 'Pro' })
    expect((await h.api('POST', '/api/v1/links', { key: other.key, body: { url: 'https://other.example/', slug: 'ozh' } })).status).toBe(201)
    const u = await createUser(h, { plan: 'Pro' })
    const done = await finished(u.key, (await upload(u.key, sample('yourls.csv'))).body.data.id)
    expect(done).toMatchObject({ created: 1, failed: 1, errors: [{ row: 1, code: 'SLUG_ALREADY_EXISTS' }] })
    expect(done.errors[0].reason).toContain('ozh')
    const [kept] = await h.deps.db.select().from(links).where(and(eq(links.slug, 'ozh'), eq(links.domain, '')))
    expect(kept).toMatchObject({ userId: other.id, originalUrl: 'https://other.example/' })
  })

  test('a dry run reports what it would do and creates nothing', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const r = await upload(u.key, sample('shlink.csv'), '?dryRun=true')
    const done = await finished(u.key, r.body.data.id)
    expect(done).toMatchObject({ dryRun: true, status: 'DONE', created: 2, failed: 0 })
    expect(await ownLinks(u.id)).toEqual([])
  })

  test('the plan\'s monthly link limit applies row by row, with the reason on each refused row', async () => {
    const u = await createUser(h, { plan: 'Free' })
    await h.deps.db.insert(usagePeriods).values({ userId: u.id, periodStart: currentPeriod(h.deps.now()).start, linksCreated: 49 })
    const file = `url,slug\n${[1, 2, 3].map((n) => `https://example.com/${n},limit-${engine}-${n}`).join('\n')}\n`
    const done = await finished(u.key, (await upload(u.key, file)).body.data.id)
    expect(done).toMatchObject({ created: 1, failed: 2 })
    expect(done.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([[2, 'PLAN_LIMIT_EXCEEDED'], [3, 'PLAN_LIMIT_EXCEEDED']])
    expect(done.errors[0].reason).toContain('50 links a month')
    // A dry run sees the same limit.
    const dry = await finished(u.key, (await upload(u.key, sample('kutt.json'), '?dryRun=true', JSON_TYPE)).body.data.id)
    expect(dry).toMatchObject({ created: 0, failed: 2 })
  })

  test('a bad destination in a row fails that row only; Kurz\'s own JSON export imports', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const file = JSON.stringify([
      { slug: 'fine-one', originalUrl: 'https://example.com/fine' },
      { slug: 'bad-one', originalUrl: 'javascript:alert(1)' },
      { slug: 'app', originalUrl: 'https://example.com/reserved' },
    ])
    const done = await finished(u.key, (await upload(u.key, file, '?format=kurz', JSON_TYPE)).body.data.id)
    expect(done).toMatchObject({ created: 1, failed: 2 })
    expect(done.errors.map((e: { row: number }) => e.row)).toEqual([2, 3])
    const kurz = await finished(u.key, (await upload(u.key, sample('kurz.json'), '', JSON_TYPE)).body.data.id)
    expect(kurz).toMatchObject({ format: 'kurz', created: 2 })
  })

  test('a file of 250 rows is worked through chunk by chunk to its last row', async () => {
    const u = await createUser(h, { plan: 'Business' })
    const file = `url,slug\n${Array.from({ length: 250 }, (_, i) => `https://example.com/p/${i},many-${engine}-${i}`).join('\n')}\n`
    const done = await finished(u.key, (await upload(u.key, file)).body.data.id)
    expect(done).toMatchObject({ status: 'DONE', total: 250, done: 250, created: 250, failed: 0 })
    const slugs = new Set((await ownLinks(u.id)).map((l) => l.slug))
    expect(slugs.size).toBe(250)
    expect(slugs.has(`many-${engine}-0`) && slugs.has(`many-${engine}-99`) && slugs.has(`many-${engine}-100`) && slugs.has(`many-${engine}-249`)).toBe(true)
  })

  test('an import left running by a stopped instance is resumed where it stopped', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const { rows } = readFile(`url,slug\n${[1, 2, 3].map((n) => `https://example.com/${n},resume-${engine}-${n}`).join('\n')}\n`, 'auto', 16)
    // As an instance leaves it when killed after its first row: RUNNING, position 1, lease lapsed.
    const past = new Date(Date.now() - 120_000)
    await h.deps.db.insert(imports).values({
      id: 'imp_resumeTest' + engine, userId: u.id, format: 'kurz', rows, total: rows.length, position: 1, created: 1,
      status: 'RUNNING', leaseUntil: past,
    })
    while (await runNextChunk(h.deps)) { /* work it through */ }
    const r = await h.api('GET', `/api/v1/imports/imp_resumeTest${engine}`, { key: u.key })
    expect(r.body.data).toMatchObject({ status: 'DONE', done: 3, created: 3 })
    // Rows before the position were not redone: only rows 2 and 3 were created here.
    expect((await ownLinks(u.id)).map((l) => l.slug).sort()).toEqual([`resume-${engine}-2`, `resume-${engine}-3`])
  })

  test('bad uploads are refused in the envelope: wrong type, empty, unknown columns, a domain not yours', async () => {
    const u = await createUser(h, { plan: 'Pro' })
    const wrongType = await upload(u.key, 'url\nhttps://example.com/', '', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' })
    expect((await upload(u.key, '')).status).toBe(400)
    const unknown = await upload(u.key, 'name,age\nx,1\n')
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toContain('destination')
    const badFormat = await upload(u.key, sample('bitly.csv'), '?format=excel')
    expect(badFormat.status).toBe(400)
    const domain = await upload(u.key, sample('bitly.csv'), '?domain=not-mine.example')
    expect(domain.status).toBe(400)
    expect(domain.body.error.field).toBe('domain')
  })

  test('another account\'s import is not found', async () => {
    const a = await createUser(h, { plan: 'Pro' })
    const b = await createUser(h, { plan: 'Pro' })
    const r = await upload(a.key, sample('yourls.csv'))
    expect((await h.api('GET', `/api/v1/imports/${r.body.data.id}`, { key: b.key })).status).toBe(404)
    const list = await h.api('GET', '/api/v1/imports', { key: a.key })
    expect(list.body.data.content.map((i: { id: string }) => i.id)).toContain(r.body.data.id)
    expect((await h.api('GET', '/api/v1/imports', { key: b.key })).body.data.total).toBe(0)
  })
})
