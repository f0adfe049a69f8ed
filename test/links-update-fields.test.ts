// PATCH of a link beyond its destination: a new slug (the old short URL stops answering, a taken
// one is 409 under `slug`), a move to a verified custom domain and back, a typed link's payload
// (checked as on creation; not on a url link), and plan refusals named by their field.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { domains } from '../src/db/schema'
import { newId } from '../src/shared/ids'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import type { Running } from '../src/server'

describe.each(engines)('updating a link\'s slug, domain and payload on %s', (engine) => {
  let h: Harness
  let server: Running
  let pro: Awaited<ReturnType<typeof createUser>>
  let base: string
  beforeAll(async () => {
    h = await createHarness({ engine, redis: true })
    server = await h.listen()
    base = server.url.replace(/\/$/, '')
    pro = await createUser(h, { plan: 'Pro' })
  }, SETUP_TIMEOUT)
  afterAll(async () => { await server?.stop(); await h.close() })

  const create = (body: unknown, key = pro.key) => h.api('POST', '/api/v1/links', { body, key })
  const patch = (slug: string, body: unknown, key = pro.key) => h.api('PATCH', `/api/v1/links/${slug}`, { body, key })
  const visit = (path: string, host?: string) => fetch(`${base}${path}`, { redirect: 'manual', headers: host ? { host } : {} })

  test('a new slug redirects at once and the old one answers 404', async () => {
    expect((await create({ url: 'https://example.com/moved', slug: 'old-slug' })).status).toBe(201)
    expect((await visit('/old-slug')).status).toBe(302)
    const r = await patch('old-slug', { slug: 'new-slug', title: 'Moved' })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({ slug: 'new-slug', title: 'Moved', originalUrl: 'https://example.com/moved' })
    expect((await visit('/old-slug')).status).toBe(404)
    const now = await visit('/new-slug')
    expect(now.status).toBe(302)
    expect(now.headers.get('location')).toBe('https://example.com/moved')
  })

  test('a taken slug is 409 and a malformed one 400, both under the field slug; the link keeps its slug', async () => {
    await create({ url: 'https://example.com/a', slug: 'taken-a' })
    await create({ url: 'https://example.com/b', slug: 'taken-b' })
    const taken = await patch('taken-b', { customSlug: 'taken-a' })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({ code: 'SLUG_ALREADY_EXISTS', field: 'slug' })
    const bad = await patch('taken-b', { slug: 'no spaces!' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'INVALID_SLUG', field: 'slug' })
    const reserved = await patch('taken-b', { slug: 'api' })
    expect(reserved.body.error).toMatchObject({ code: 'INVALID_SLUG', field: 'slug' })
    expect((await h.api('GET', '/api/v1/links/taken-b', { key: pro.key })).body.data.originalUrl).toBe('https://example.com/b')
  })

  test('a link moves to a verified custom domain and back; an unverified one is refused under domain', async () => {
    const hostname = `go-${Date.now()}.example`
    await h.deps.db.insert(domains).values({ id: newId('dom'), userId: pro.id, hostname, verificationToken: 't', isVerified: true, verifiedAt: new Date() })
    await h.deps.db.insert(domains).values({ id: newId('dom'), userId: pro.id, hostname: `un-${hostname}`, verificationToken: 't' })
    await h.deps.domains.reload()
    await create({ url: 'https://example.com/dom', slug: 'on-domain' })
    const moved = await patch('on-domain', { domain: hostname })
    expect(moved.status).toBe(200)
    expect(moved.body.data).toMatchObject({ domain: hostname, shortUrl: `http://${hostname}/on-domain` })
    expect((await visit('/on-domain', hostname)).status).toBe(302)
    expect((await visit('/on-domain')).status).toBe(404)
    const refused = await patch(moved.body.data.id, { domain: `un-${hostname}` })
    expect(refused.status).toBe(400)
    expect(refused.body.error.field).toBe('domain')
    const back = await patch(moved.body.data.id, { domain: null })
    expect(back.status).toBe(200)
    expect(back.body.data.shortUrl).toBe('http://kurz.test/on-domain')
    expect((await visit('/on-domain')).status).toBe(302)
  })

  test('a typed link\'s payload is checked as on creation; a url link has none; Free is refused a domain under its field', async () => {
    const wifi = await create({ kind: 'wifi', slug: 'the-wifi', payload: { ssid: 'Home', encryption: 'WPA', password: 'secret-1' } })
    expect(wifi.status).toBe(201)
    const r = await patch('the-wifi', { payload: { ssid: 'Office', encryption: 'nopass' } })
    expect(r.status).toBe(200)
    expect(r.body.data.payload).toEqual({ ssid: 'Office', encryption: 'nopass' })
    const bad = await patch('the-wifi', { payload: { ssid: 'Office', encryption: 'WPA' } })
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'payload.password' })
    await create({ url: 'https://example.com/plain', slug: 'plain-url' })
    expect((await patch('plain-url', { payload: { text: 'x' } })).body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'payload' })
    const free = await createUser(h, { plan: 'Free' })
    await create({ url: 'https://example.com/free', slug: 'free-link' }, free.key)
    const domain = await patch('free-link', { domain: 'any.example' }, free.key)
    expect(domain.status).toBe(403)
    expect(domain.body.error.field).toBe('domain')
  })
})
