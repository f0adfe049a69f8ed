import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { usagePeriods } from '../src/db/schema'
import { listPage } from '../src/links/service'
import { currentPeriod } from '../src/plans/period'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'

describe.each(engines)('links API on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const create = (body: unknown, key?: string) => h.api('POST', '/api/v1/links', { body, ...(key ? { key } : {}) })

  describe('create', () => {
    test('answers 201 with the link in both naming styles and the usage', async () => {
      const r = await create({ originalUrl: 'https://example.com/a', customSlug: 'both-names', title: 'T' })
      expect(r.status).toBe(201)
      expect(r.body.success).toBe(true)
      const l = r.body.data
      expect(l.id).toMatch(/^lnk_/)
      expect(l.shortCode).toBe('both-names')
      expect(l.slug).toBe('both-names')
      expect(l.shortUrl).toBe('http://kurz.test/both-names')
      expect(l.clicks).toBe(0)
      expect(l.usedCount).toBe(0)
      expect(l.status).toBe('ACTIVE')
      expect(l.isActive).toBe(true)
      expect(l.kind).toBe('url')
      expect(l.source).toBe('API')
      expect(r.body.usage.linksUsed).toBeGreaterThan(0)
      expect(r.body.usage.linksRemaining).toBe(r.body.usage.linkLimit - r.body.usage.linksUsed)
    })

    test('accepts url and slug as aliases', async () => {
      const r = await create({ url: 'https://example.com/alias', slug: 'alias-slug' })
      expect(r.status).toBe(201)
      expect(r.body.data.originalUrl).toBe('https://example.com/alias')
      expect(r.body.data.slug).toBe('alias-slug')
    })

    test('generates an unguessable slug of at least 7 base62 characters', async () => {
      const slugs = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const r = await create({ url: 'https://example.com/gen' })
        expect(r.status).toBe(201)
        expect(r.body.data.slug).toMatch(/^[A-Za-z0-9]{7,}$/)
        slugs.add(r.body.data.slug)
      }
      expect(slugs.size).toBe(5)
    })

    test('refuses a taken slug with 409 SLUG_ALREADY_EXISTS', async () => {
      await create({ url: 'https://example.com/1', slug: 'taken' })
      const r = await create({ url: 'https://example.com/2', slug: 'taken' })
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('SLUG_ALREADY_EXISTS')
      expect(r.body.success).toBe(false)
      expect(r.body.data).toBeNull()
      expect(typeof r.body.timestamp).toBe('string')
    })

    test.each([['has space'], ['a/b'], ['x'.repeat(65)], ['api'], ['DOCS'], ['health'], ['ümlaut']])(
      'refuses slug %p with 400 INVALID_SLUG', async (slug) => {
        const r = await create({ url: 'https://example.com', slug })
        expect(r.status).toBe(400)
        expect(r.body.error.code).toBe('INVALID_SLUG')
      })

    test('requires a destination for url links', async () => {
      const r = await create({ title: 'no url' })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.field).toBe('originalUrl')
    })

    test('names the field of a wrongly typed or too long value', async () => {
      const long = await create({ url: 'https://example.com', title: 'x'.repeat(201) })
      expect(long.status).toBe(400)
      expect(long.body.error.code).toBe('VALIDATION_ERROR')
      expect(long.body.error.field).toBe('title')
      const typed = await create({ url: 'https://example.com', singleUse: 'yes' })
      expect(typed.status).toBe(400)
      expect(typed.body.error.field).toBe('singleUse')
      const kind = await create({ url: 'https://example.com', kind: 'pdf' })
      expect(kind.status).toBe(400)
      expect(kind.body.error.field).toBe('kind')
    })

    test('answers malformed JSON with VALIDATION_ERROR, not 500', async () => {
      const r = await h.api('POST', '/api/v1/links', { body: '{"url":', headers: { 'content-type': 'application/json' } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
    })

    test('ignores unknown extra fields', async () => {
      const r = await create({ url: 'https://example.com/extra', colour: 'blue' })
      expect(r.status).toBe(201)
      expect(r.body.data.colour).toBeUndefined()
    })

    test('sets expiresAt from expiresIn', async () => {
      const before = Date.now()
      const r = await create({ url: 'https://example.com/exp', expiresIn: '1h' })
      expect(r.status).toBe(201)
      const at = Date.parse(r.body.data.expiresAt)
      expect(at).toBeGreaterThanOrEqual(before + 3600_000 - 1000)
      expect(at).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000)
    })

    test('refuses an expiresIn it cannot read', async () => {
      const r = await create({ url: 'https://example.com', expiresIn: 'soon' })
      expect(r.status).toBe(400)
      expect(r.body.error.field).toBe('expiresIn')
    })

    test('creates typed links with their payload on a paid plan', async () => {
      const r = await create({ kind: 'wifi', title: 'Guest', payload: { ssid: 'Net', encryption: 'WPA', password: 'secret123' } })
      expect(r.status).toBe(201)
      expect(r.body.data.kind).toBe('wifi')
      expect(r.body.data.originalUrl).toBeNull()
      expect(r.body.data.payload).toEqual({ ssid: 'Net', encryption: 'WPA', password: 'secret123' })
      expect(r.body.data.shortUrl).toBe(`http://kurz.test/l/${r.body.data.slug}`)
      const missing = await create({ kind: 'text', payload: {} })
      expect(missing.status).toBe(400)
      expect(missing.body.error.field).toBe('payload.text')
    })
  })

  describe('plans', () => {
    test('a Free account gets 403 for typed links and for never, and a clamped expiry', async () => {
      const free = await createUser(h, { plan: 'Free' })
      const typed = await create({ kind: 'text', payload: { text: 'hi' } }, free.key)
      expect(typed.status).toBe(403)
      expect(typed.body.error.code).toBe('FORBIDDEN')
      const never = await create({ url: 'https://example.com', expiresIn: 'never' }, free.key)
      expect(never.status).toBe(403)
      const clamped = await create({ url: 'https://example.com', expiresIn: '30d' }, free.key)
      expect(clamped.status).toBe(201)
      const days = (Date.parse(clamped.body.data.expiresAt) - Date.now()) / 86_400_000
      expect(days).toBeGreaterThan(6.9)
      expect(days).toBeLessThanOrEqual(7)
    })

    test('never is refused on Core with a 403 naming Pro and Business, and accepted on Pro', async () => {
      const core = await createUser(h, { plan: 'Core' })
      const refused = await create({ url: 'https://example.com', expiresIn: 'never' }, core.key)
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe('FORBIDDEN')
      expect(refused.body.error.field).toBe('expiresIn')
      expect(refused.body.error.message).toContain('Pro or Business')
      const pro = await createUser(h, { plan: 'Pro' })
      const accepted = await create({ url: 'https://example.com', expiresIn: 'never' }, pro.key)
      expect(accepted.status).toBe(201)
      expect(accepted.body.data.expiresAt).toBeNull()
    })

    test('the monthly link limit answers 402 with the next plan recommended', async () => {
      const free = await createUser(h, { plan: 'Free' })
      await h.deps.db.insert(usagePeriods).values({ userId: free.id, periodStart: currentPeriod(new Date()).start, linksCreated: 50 })
      const r = await create({ url: 'https://example.com' }, free.key)
      expect(r.status).toBe(402)
      expect(r.body.error.code).toBe('PLAN_LIMIT_EXCEEDED')
      expect(r.body.error.recommend).toEqual({ name: 'Core', priceMonthly: 8, linkLimit: 100 })
    })

    test('bulk-created links redirect as soon as the answer is back, even a slug that was visited (and missed) before', async () => {
      const s = await h.listen()
      const slugs = ['bulk-seen-1', 'bulk-seen-2', 'bulk-seen-3']
      for (const slug of slugs) expect((await fetch(`${s.url}/${slug}`, { redirect: 'manual' })).status).toBe(404)
      const r = await h.api('POST', '/api/v1/links/bulk', { body: { links: slugs.map((slug) => ({ url: `https://example.com/${slug}`, slug })) } })
      expect(r.body.data.totalCreated).toBe(3)
      for (const slug of slugs) {
        const visit = await fetch(`${s.url}/${slug}`, { redirect: 'manual' })
        expect(visit.status).toBe(302)
        expect(visit.headers.get('location')).toBe(`https://example.com/${slug}`)
      }
    })

    test('bulk create refuses more items than the plan allows', async () => {
      const free = await createUser(h, { plan: 'Free' })
      const links = Array.from({ length: 11 }, (_, i) => ({ url: `https://example.com/${i}` }))
      const r = await h.api('POST', '/api/v1/links/bulk', { body: { links }, key: free.key })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
    })
  })

  describe('auth', () => {
    test('no credentials is 401 UNAUTHORIZED in the envelope', async () => {
      const r = await h.api('GET', '/api/v1/links', { key: null })
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('UNAUTHORIZED')
    })

    test('an unknown key is 401 API_KEY_INVALID', async () => {
      const r = await h.api('GET', '/api/v1/links', { key: `sk_live_${'x'.repeat(40)}` })
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('API_KEY_INVALID')
    })

    test('accepts the key as Bearer, raw Authorization and X-Api-Key', async () => {
      for (const headers of [{ authorization: `Bearer ${h.adminKey}` }, { authorization: h.adminKey }, { 'x-api-key': h.adminKey }] as Record<string, string>[]) {
        const r = await h.api('GET', '/api/v1/links?size=1', { key: null, headers })
        expect(r.status).toBe(200)
      }
    })

    test('a blocked account gets 403 ACCOUNT_BLOCKED', async () => {
      const blocked = await createUser(h, { blocked: true })
      const r = await h.api('GET', '/api/v1/links', { key: blocked.key })
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('ACCOUNT_BLOCKED')
    })

    test("another account's link is not found, never forbidden", async () => {
      const other = await createUser(h, { plan: 'Pro' })
      const mine = await create({ url: 'https://example.com/mine', slug: 'not-yours' })
      for (const [method, path] of [['GET', '/api/v1/links/not-yours'], ['GET', `/api/v1/links/${mine.body.data.id}`],
        ['PATCH', '/api/v1/links/not-yours'], ['DELETE', '/api/v1/links/not-yours']] as const) {
        const r = await h.api(method, path, { key: other.key, ...(method === 'PATCH' ? { body: { title: 'x' } } : {}) })
        expect(r.status).toBe(404)
        expect(r.body.error.code).toBe('LINK_NOT_FOUND')
      }
      const list = await h.api('GET', '/api/v1/links', { key: other.key })
      expect(list.body.data.total).toBe(0)
    })
  })

  describe('list', () => {
    let owner: { key: string }
    beforeAll(async () => {
      owner = await createUser(h, { plan: 'Pro' })
      for (let i = 0; i < 7; i++) {
        const r = await create({ url: `https://list.example/${i}`, slug: `list-${i}`, title: i === 3 ? 'Needle title' : null }, owner.key)
        if (r.status !== 201) throw new Error(`setup: ${JSON.stringify(r.body)}`)
      }
      await h.api('PATCH', '/api/v1/links/list-5', { body: { status: 'DISABLED' }, key: owner.key })
    }, SETUP_TIMEOUT)

    test('pages with page and size, newest first', async () => {
      const r = await h.api('GET', '/api/v1/links?page=1&size=3', { key: owner.key })
      expect(r.status).toBe(200)
      expect(r.body.data).toMatchObject({ page: 1, size: 3, total: 7, totalPages: 3 })
      expect(r.body.data.content.map((l: any) => l.slug)).toEqual(['list-3', 'list-2', 'list-1'])
      expect(r.body.data.limit).toBeUndefined()
    })

    test('pages with limit and an exact offset', async () => {
      const r = await h.api('GET', '/api/v1/links?limit=2&offset=3', { key: owner.key })
      expect(r.body.data).toMatchObject({ limit: 2, offset: 3, total: 7 })
      expect(r.body.data.content.map((l: any) => l.slug)).toEqual(['list-3', 'list-2'])
    })

    test('searches code, URL and title', async () => {
      const byTitle = await h.api('GET', '/api/v1/links?search=needle', { key: owner.key })
      expect(byTitle.body.data.content.map((l: any) => l.slug)).toEqual(['list-3'])
      const byUrl = await h.api('GET', '/api/v1/links?search=list.example/6', { key: owner.key })
      expect(byUrl.body.data.content.map((l: any) => l.slug)).toEqual(['list-6'])
      const literal = await h.api('GET', '/api/v1/links?search=%25', { key: owner.key })
      expect(literal.body.data.total).toBe(0)
    })

    test('filters by status', async () => {
      const disabled = await h.api('GET', '/api/v1/links?status=DISABLED', { key: owner.key })
      expect(disabled.body.data.content.map((l: any) => l.slug)).toEqual(['list-5'])
      const active = await h.api('GET', '/api/v1/links?status=ACTIVE', { key: owner.key })
      expect(active.body.data.total).toBe(6)
    })

    test("the total follows creates, bulk creates, deletes and bulk deletes, and counts only the caller's links", async () => {
      const other = await createUser(h, { plan: 'Pro' })
      const total = async (key: string) => (await h.api('GET', '/api/v1/links?size=1', { key })).body.data.total
      expect(await total(other.key)).toBe(0)
      await create({ url: 'https://total.example/1', slug: 'total-1' }, other.key)
      const bulk = await h.api('POST', '/api/v1/links/bulk', {
        body: { links: [{ url: 'https://total.example/2', slug: 'total-2' }, { url: 'https://total.example/3', slug: 'total-3' }, { url: 'nope' }] }, key: other.key,
      })
      expect(bulk.body.data.totalCreated).toBe(2)
      expect(await total(other.key)).toBe(3)
      await h.api('DELETE', '/api/v1/links/total-1', { key: other.key })
      await h.api('POST', '/api/v1/links/bulk-action', { body: { shortCodes: ['total-2'], action: 'DELETE' }, key: other.key })
      expect(await total(other.key)).toBe(1)
      expect(await total(owner.key)).toBe(7)
    })

    test("reads a page straight off the account's index, without sorting the account's links", async () => {
      const { sql: text, params } = listPage(h.deps, 'usr_any', {}).toSQL()
      const plan = JSON.stringify(await h.deps.db.execute(sql.raw(`EXPLAIN (FORMAT JSON) ${text.replace(/\$(\d+)/g, (_, i) => `'${params[Number(i) - 1]}'`)}`)))
      expect(plan).toContain('links_user_created_idx')
      expect(plan).not.toMatch(/Sort"/)
    })

    test.each([['size=0'], ['size=101'], ['page=-1'], ['limit=500'], ['status=GONE'], ['size=abc']])(
      'refuses %s with VALIDATION_ERROR', async (q) => {
        const r = await h.api('GET', `/api/v1/links?${q}`, { key: owner.key })
        expect(r.status).toBe(400)
        expect(r.body.error.code).toBe('VALIDATION_ERROR')
        expect(r.body.error.field).toBe(q.split('=')[0])
      })
  })

  describe('read, update, delete', () => {
    test('gets a link by id or slug with an analytics block', async () => {
      const c = await create({ url: 'https://example.com/get', slug: 'get-me' })
      for (const key of [c.body.data.id, 'get-me']) {
        const r = await h.api('GET', `/api/v1/links/${key}`)
        expect(r.status).toBe(200)
        expect(r.body.data.id).toBe(c.body.data.id)
        expect(r.body.data.analytics).toEqual({ byCountry: expect.any(Array), byDevice: expect.any(Array), byReferrer: expect.any(Array) })
      }
    })

    test('PATCH and PUT change the destination, title and status', async () => {
      await create({ url: 'https://example.com/old', slug: 'to-change' })
      const p = await h.api('PATCH', '/api/v1/links/to-change', { body: { originalUrl: 'https://example.com/new', title: 'New' } })
      expect(p.status).toBe(200)
      expect(p.body.data).toMatchObject({ originalUrl: 'https://example.com/new', title: 'New' })
      const put = await h.api('PUT', '/api/v1/links/to-change', { body: { status: 'DISABLED' } })
      expect(put.body.data).toMatchObject({ status: 'DISABLED', isActive: false })
      const bad = await h.api('PATCH', '/api/v1/links/to-change', { body: { status: 'USED' } })
      expect(bad.status).toBe(400)
      expect(bad.body.error.field).toBe('status')
      const unsafe = await h.api('PATCH', '/api/v1/links/to-change', { body: { url: 'file:///etc/passwd' } })
      expect(unsafe.body.error.code).toBe('INVALID_URL')
    })

    test('DELETE answers data null with a message, and the link is gone', async () => {
      await create({ url: 'https://example.com/del', slug: 'delete-me' })
      const d = await h.api('DELETE', '/api/v1/links/delete-me')
      expect(d.status).toBe(200)
      expect(d.body).toEqual({ success: true, data: null, message: expect.any(String) })
      expect((await h.api('GET', '/api/v1/links/delete-me')).status).toBe(404)
      expect((await h.api('DELETE', '/api/v1/links/delete-me')).status).toBe(404)
    })

    test('every mutation writes its event to the outbox', async () => {
      await create({ url: 'https://example.com/ev', slug: 'evented' })
      await h.api('PATCH', '/api/v1/links/evented', { body: { status: 'DISABLED' } })
      await h.api('DELETE', '/api/v1/links/evented')
      const rows = await h.deps.db.query.events.findMany()
      const types = rows.filter((e) => (e.data as any).shortCode === 'evented').map((e) => e.type)
      expect(types).toEqual(['link.created', 'link.disabled', 'link.deleted'])
    })
  })

  describe('bulk', () => {
    test('one bad item never fails the others', async () => {
      const r = await h.api('POST', '/api/v1/links/bulk', {
        body: { links: [{ url: 'https://example.com/b1', slug: 'bulk-1' }, { url: 'javascript:alert(1)' }, { slug: 'bulk-3' }, { url: 'https://example.com/b4', slug: 'bulk-1' }, 'nonsense'] },
      })
      expect(r.status).toBe(200)
      expect(r.body.data.totalCreated).toBe(1)
      expect(r.body.data.totalFailed).toBe(4)
      expect(r.body.data.created[0]).toMatchObject({ slug: 'bulk-1', source: 'BULK' })
      expect(r.body.data.failed.map((f: any) => [f.index, f.code])).toEqual([
        [1, 'INVALID_URL'], [2, 'VALIDATION_ERROR'], [3, 'SLUG_ALREADY_EXISTS'], [4, 'VALIDATION_ERROR'],
      ])
    })

    test('bulk actions disable, enable and delete, counting unknown codes as failed', async () => {
      for (const s of ['ba-1', 'ba-2']) await create({ url: 'https://example.com/ba', slug: s })
      const dis = await h.api('POST', '/api/v1/links/bulk-action', { body: { shortCodes: ['ba-1', 'ba-2', 'ba-none'], action: 'DISABLE' } })
      expect(dis.body.data).toMatchObject({ processed: 2, failed: 1 })
      expect((await h.api('GET', '/api/v1/links/ba-1')).body.data.status).toBe('DISABLED')
      await h.api('POST', '/api/v1/links/bulk-action', { body: { shortCodes: ['ba-1'], action: 'ENABLE' } })
      expect((await h.api('GET', '/api/v1/links/ba-1')).body.data.status).toBe('ACTIVE')
      const del = await h.api('POST', '/api/v1/links/bulk-action', { body: { shortCodes: ['ba-1', 'ba-2'], action: 'DELETE' } })
      expect(del.body.data).toMatchObject({ processed: 2, failed: 0 })
      expect((await h.api('GET', '/api/v1/links/ba-2')).status).toBe(404)
      const bad = await h.api('POST', '/api/v1/links/bulk-action', { body: { shortCodes: ['x'], action: 'EXPLODE' } })
      expect(bad.status).toBe(400)
    })
  })
})
