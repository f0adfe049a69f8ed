// GET /api/v1/links/export and GET /api/v1/analytics/export: every row, streamed, CSV safe for spreadsheets.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { links } from '../src/db/schema'
import { csvField } from '../src/export/csv'
import { newId } from '../src/shared/ids'

const raw = async (h: Harness, path: string, key = h.adminKey) => {
  const res = await h.app.handle(new Request(`http://kurz.test${path}`, { headers: { authorization: `Bearer ${key}` } }))
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() }
}

test('a CSV field is quoted when it holds a comma, quote or newline, and a formula is neutralised', () => {
  expect(csvField('plain')).toBe('plain')
  expect(csvField('a,b')).toBe('"a,b"')
  expect(csvField('say "hi"')).toBe('"say ""hi"""')
  expect(csvField('line\nbreak')).toBe('"line\nbreak"')
  expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"')
  expect(csvField('+1')).toBe("'+1")
  expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
  expect(csvField(null)).toBe('')
  expect(csvField(12)).toBe('12')
})

for (const engine of engines) {
  describe(`links export (${engine})`, () => {
    let h: Harness
    let owner: { id: string; key: string }
    const TOTAL = 4500 // more than two pages
    beforeAll(async () => {
      h = await createHarness({ engine, redis: engine === 'postgres' })
      owner = await createUser(h, { plan: 'Business' })
      const base = Date.UTC(2026, 0, 1)
      for (let start = 0; start < TOTAL; start += 500) {
        await h.deps.db.insert(links).values(Array.from({ length: Math.min(500, TOTAL - start) }, (_, j) => {
          const i = start + j
          // every 7 rows share one created_at: the keyset's tie-break on id must keep them all;
          // exp5 is past its expiry, not yet marked by the expire job
          return { id: newId('lnk'), userId: owner.id, slug: `exp${i}`, originalUrl: `https://example.com/${i}`, title: i === 3 ? '=cmd|calc' : `t,${i}`,
            createdAt: new Date(base + Math.floor(i / 7) * 1000), ...(i === 5 ? { expiresAt: new Date(base + 86_400_000) } : {}) }
        }))
      }
      await h.createLink({ url: 'https://example.com/admins' }) // another account's link
    }, SETUP_TIMEOUT)
    afterAll(async () => { await h.close() }, SETUP_TIMEOUT)

    test('CSV export streams every link of the account once, with a header row and guarded formulas', async () => {
      const r = await raw(h, '/api/v1/links/export?format=csv', owner.key)
      expect(r.status).toBe(200)
      expect(r.type).toContain('text/csv')
      expect(r.disposition).toContain('attachment')
      const lines = r.text.trimEnd().split('\r\n')
      expect(lines[0]).toBe('id,slug,shortUrl,domain,kind,originalUrl,payload,title,summary,status,singleUse,clicks,expiresAt,createdAt,updatedAt,source')
      expect(lines.length).toBe(TOTAL + 1)
      const slugs = new Set(lines.slice(1).map((l) => l.split(',')[1]))
      expect(slugs.size).toBe(TOTAL)
      expect(r.text).toContain(',\'=cmd|calc,')
      expect(r.text).toContain('"t,5"')
      expect(r.text).not.toContain('example.com/admins')
    })

    test('JSON export is an array of every link with the API fields', async () => {
      const r = await raw(h, '/api/v1/links/export?format=json', owner.key)
      expect(r.type).toContain('application/json')
      const all = JSON.parse(r.text) as { slug: string; originalUrl: string; shortUrl: string; status: string }[]
      expect(all.length).toBe(TOTAL)
      expect(new Set(all.map((l) => l.slug)).size).toBe(TOTAL)
      expect(all.find((l) => l.slug === 'exp0')?.shortUrl).toBe('http://kurz.test/exp0')
      expect(all.find((l) => l.slug === 'exp0')?.status).toBe('ACTIVE')
      expect(all.find((l) => l.slug === 'exp5')?.status).toBe('EXPIRED')
    })

    test('an unknown format is a 400 on format', async () => {
      const r = await h.api('GET', '/api/v1/links/export?format=xml', { key: owner.key })
      expect(r.status).toBe(400)
      expect(r.body.error.field).toBe('format')
    })
  })
}

describe('clicks export (chDB)', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ clickhouse: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() }, SETUP_TIMEOUT)

  test('raw click events of the account or one link stream as CSV without any IP column', async () => {
    const a = await h.createLink({ url: 'https://example.com/a', slug: 'clk-a' })
    const b = await h.createLink({ url: 'https://example.com/b', slug: 'clk-b' })
    const ownerId = (await h.api('GET', '/api/v1/links/clk-a')).body.data ? (await h.deps.db.select().from(links)).find((l) => l.id === a.id)!.userId : ''
    const now = Date.now()
    const rowsOf = (linkId: string, n: number) => Array.from({ length: n }, (_, i) => ({
      event_id: crypto.randomUUID(), ts: new Date(now - i * 1000).toISOString().replace('T', ' ').replace('Z', ''), owner_id: ownerId, link_id: linkId,
      domain: '', country: 'DE', city: i === 0 ? '=evil()' : 'Berlin', device: 'desktop', browser: 'Firefox', os: 'Linux', referrer_host: '',
      utm_source: '', utm_medium: '', utm_campaign: '', is_bot: 0, bot_reason: '', visitor_hash: 42,
    }))
    await h.deps.clickhouse!.client.insert({ table: 'clicks', values: [...rowsOf(a.id, 2500), ...rowsOf(b.id, 3)], format: 'JSONEachRow' })
    const all = await raw(h, '/api/v1/analytics/export?range=7d&format=csv')
    expect(all.status).toBe(200)
    const lines = all.text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('event_id,ts,link_id,domain,country,city,device,browser,os,referrer_host,utm_source,utm_medium,utm_campaign,is_bot,bot_reason,visitor_hash')
    expect(lines.length).toBe(2503 + 1)
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(2503)
    expect(all.text).toContain("'=evil()")
    // (the header above has no IP column; no row carries an address either. Not a search for 'ip',
    // which a random link id may contain.)
    expect(all.text).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/)
    const one = await raw(h, '/api/v1/analytics/export?range=7d&link=clk-b')
    expect(one.text.trimEnd().split('\r\n').length).toBe(4)
    expect((await h.api('GET', '/api/v1/analytics/export?link=nope')).status).toBe(404)
  })
})
