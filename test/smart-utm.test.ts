// UTM values per link, appended to every destination with the link's values winning; UTM templates per account.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountingSink } from '../src/clicks/sink'
import { utmValues } from '../src/clicks/enrich'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { IPHONE } from './support/clicks'

describe.each(engines)('UTM on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: true, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = (path: string, ua = 'UA') => fetch(`${s.url}${path}`, { redirect: 'manual', headers: { 'user-agent': ua } }).then((r) => r.headers.get('location'))

  test('the link\'s UTM values are appended to its destination; the visitor\'s own values for them are dropped', async () => {
    const link = await h.createLink({ url: 'https://example.com/p?x=1&utm_source=old#top', slug: 'utm-a', utm: { source: 'news letter', medium: 'email', campaign: 'spring' } })
    expect(link.utm).toEqual({ source: 'news letter', medium: 'email', campaign: 'spring' })
    expect(await go('/utm-a')).toBe('https://example.com/p?x=1&utm_source=news+letter&utm_medium=email&utm_campaign=spring#top')
    const loc = await go('/utm-a?utm_source=evil&utm_term=shoes&y=2')
    expect(loc).toBe('https://example.com/p?x=1&utm_source=news+letter&utm_medium=email&utm_campaign=spring&utm_term=shoes&y=2#top')
    expect(new URL(loc!).searchParams.getAll('utm_source')).toEqual(['news letter'])
    const click = sink.received.at(-1)!
    expect(utmValues(click.query)).toEqual({ source: 'news letter', medium: 'email', campaign: 'spring', term: 'shoes', content: '' })
    // An encoded parameter name is the same parameter.
    expect(new URL((await go('/utm-a?utm%5Fsource=evil'))!).searchParams.getAll('utm_source')).toEqual(['news letter'])
  })

  test('UTM values go to rule and variant destinations too', async () => {
    await h.createLink({
      url: 'https://example.com/base', slug: 'utm-rules', utm: { campaign: 'c1' },
      rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://example.com/ios' }],
    })
    expect(await go('/utm-rules', IPHONE)).toBe('https://example.com/ios?utm_campaign=c1')
    expect(await go('/utm-rules')).toBe('https://example.com/base?utm_campaign=c1')
  })

  test('removing the UTM values restores the plain destination', async () => {
    await h.api('PATCH', '/api/v1/links/utm-rules', { body: { utm: null, rules: null } })
    expect(await go('/utm-rules?utm_source=x')).toBe('https://example.com/base?utm_source=x')
  })

  test('UTM validation errors name the field', async () => {
    for (const [utm, field] of [[{ source: ' ' }, 'utm.source'], [{ source: 'x'.repeat(201) }, /utm/], [{ color: 'red' }, /utm/], ['news', /utm/]] as const) {
      const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', utm } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.field).toMatch(field)
    }
  })

  test('UTM templates: create, list, get, update, delete; names unique per account; other accounts see none', async () => {
    const made = await h.api('POST', '/api/v1/utm-templates', { body: { name: 'Newsletter', utm: { source: 'news', medium: 'email' } } })
    expect(made.status).toBe(201)
    const id = made.body.data.id
    expect((await h.api('POST', '/api/v1/utm-templates', { body: { name: 'Newsletter', utm: { source: 'x' } } })).status).toBe(409)
    const empty = await h.api('POST', '/api/v1/utm-templates', { body: { name: 'Empty', utm: {} } })
    expect(empty.status).toBe(400)
    expect(empty.body.error.field).toBe('utm')
    expect((await h.api('GET', '/api/v1/utm-templates')).body.data.map((t: { name: string }) => t.name)).toEqual(['Newsletter'])
    const upd = await h.api('PATCH', `/api/v1/utm-templates/${id}`, { body: { utm: { campaign: 'winter' } } })
    expect(upd.body.data.utm).toEqual({ campaign: 'winter' })
    const other = await createUser(h, { plan: 'Pro' })
    expect((await h.api('GET', `/api/v1/utm-templates/${id}`, { key: other.key })).status).toBe(404)
    expect((await h.api('GET', '/api/v1/utm-templates', { key: other.key })).body.data).toEqual([])
    expect((await h.api('DELETE', `/api/v1/utm-templates/${id}`)).status).toBe(200)
    expect((await h.api('GET', `/api/v1/utm-templates/${id}`)).status).toBe(404)
  })
})
