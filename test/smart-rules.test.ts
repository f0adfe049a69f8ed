// Routing rules: written with their validation errors, evaluated on the redirect in order, and
// followed across two instances within a second.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountingSink } from '../src/clicks/sink'
import type { Running } from '../src/server'
import { createHarness, createHarnessPair, engines, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { within } from './support/poll'
import { CHROME, IPHONE } from './support/clicks'

const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'

describe.each(engines)('routing rules on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: true, env: { TRUST_PROXY: 'true' }, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${s.url}${path}`, { redirect: 'manual', headers: { 'user-agent': CHROME, ...headers } })
    return r.status === 302 ? r.headers.get('location') : String(r.status)
  }

  test('app deep links: an iOS rule to the App Store, an Android rule to Play, everyone else the URL', async () => {
    const link = await h.createLink({
      url: 'https://example.com/app', slug: 'rules-app',
      rules: [
        { conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://apps.apple.com/app/id1' },
        { conditions: [{ type: 'os', values: ['android'] }], url: 'https://play.google.com/store/apps/details?id=x' },
      ],
    })
    expect(link.rules).toHaveLength(2)
    expect(await go('/rules-app', { 'user-agent': IPHONE })).toBe('https://apps.apple.com/app/id1')
    expect(await go('/rules-app', { 'user-agent': ANDROID })).toBe('https://play.google.com/store/apps/details?id=x')
    expect(await go('/rules-app')).toBe('https://example.com/app')
  })

  test('the first rule whose conditions all hold wins: country, language, device, browser, IP, time, query', async () => {
    const past = new Date(Date.now() - 3600_000).toISOString()
    const future = new Date(Date.now() + 3600_000).toISOString()
    await h.createLink({
      url: 'https://example.com/default', slug: 'rules-many',
      rules: [
        { conditions: [{ type: 'query', param: 'promo', equals: 'vip' }], url: 'https://example.com/vip' },
        { conditions: [{ type: 'query', param: 'debug' }, { type: 'ip', values: ['10.0.0.0/8'] }], url: 'https://example.com/debug' },
        { conditions: [{ type: 'language', values: ['de'] }, { type: 'device', values: ['mobile'] }], url: 'https://example.com/de-mobile' },
        { conditions: [{ type: 'language', values: ['de'] }], url: 'https://example.com/de' },
        { conditions: [{ type: 'before', at: past }], url: 'https://example.com/never' },
        { conditions: [{ type: 'after', at: past }, { type: 'before', at: future }, { type: 'ip', values: ['2001:db8::/32'] }], url: 'https://example.com/window' },
        { conditions: [{ type: 'browser', values: ['Firefox'] }], url: 'https://example.com/firefox' },
      ],
    })
    expect(await go('/rules-many?promo=vip')).toBe('https://example.com/vip?promo=vip')
    expect(await go('/rules-many?promo=other')).toBe('https://example.com/default?promo=other')
    expect(await go('/rules-many?debug', { 'x-forwarded-for': '10.1.2.3' })).toBe('https://example.com/debug?debug')
    expect(await go('/rules-many?debug', { 'x-forwarded-for': '192.0.2.1' })).toBe('https://example.com/default?debug')
    expect(await go('/rules-many', { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5', 'user-agent': IPHONE })).toBe('https://example.com/de-mobile')
    expect(await go('/rules-many', { 'accept-language': 'en;q=0.4,de-DE;q=0.8' })).toBe('https://example.com/de')
    expect(await go('/rules-many', { 'accept-language': 'fr' })).toBe('https://example.com/default')
    expect(await go('/rules-many', { 'x-forwarded-for': '2001:db8::7' })).toBe('https://example.com/window')
    expect(await go('/rules-many', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' })).toBe('https://example.com/firefox')
  })

  test('a country rule reads the address\'s country', async () => {
    await h.createLink({ url: 'https://example.com/world', slug: 'rules-geo', rules: [{ conditions: [{ type: 'country', values: ['us'] }], url: 'https://example.com/us' }] })
    // 8.8.8.8 is in the United States in the bundled country file.
    expect(await go('/rules-geo', { 'x-forwarded-for': '8.8.8.8' })).toBe('https://example.com/us')
    expect(await go('/rules-geo', { 'x-forwarded-for': '127.0.0.1' })).toBe('https://example.com/world')
  })

  test('a rule\'s destination is counted as a click of the link, and a link without rules behaves as before', async () => {
    const before = sink.count
    expect(await go('/rules-app', { 'user-agent': IPHONE })).toBe('https://apps.apple.com/app/id1')
    expect(sink.count).toBe(before + 1)
    expect(sink.received.at(-1)!.variant).toBeUndefined()
    await h.createLink({ url: 'https://example.com/plain', slug: 'rules-none' })
    expect(await go('/rules-none?a=1')).toBe('https://example.com/plain?a=1')
  })

  test('updating rules changes the redirect at once; null removes them', async () => {
    await h.api('PATCH', '/api/v1/links/rules-app', { body: { rules: [{ conditions: [{ type: 'device', values: ['desktop'] }], url: 'https://example.com/desk' }] } })
    expect(await go('/rules-app')).toBe('https://example.com/desk')
    const r = await h.api('PATCH', '/api/v1/links/rules-app', { body: { rules: null } })
    expect(r.body.data.rules).toBeNull()
    expect(await go('/rules-app', { 'user-agent': IPHONE })).toBe('https://example.com/app')
  })

  test('every rule field has its validation error, in the envelope, naming the field', async () => {
    const bad = async (rules: unknown, field: string | RegExp, code = 'VALIDATION_ERROR') => {
      const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', rules } })
      expect(r.status).toBe(400)
      expect(r.body.success).toBe(false)
      expect(r.body.error.code).toBe(code)
      expect(r.body.error.field).toMatch(field)
    }
    await bad([{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'javascript:alert(1)' }], 'rules[0].url', 'INVALID_URL')
    await bad([{ conditions: [{ type: 'os', values: ['iOS'] }], url: `${h.config.baseUrl}/loop` }], 'rules[0].url', 'INVALID_URL')
    await bad([{ conditions: [{ type: 'country', values: ['USA'] }], url: 'https://example.com' }], 'rules[0].conditions[0].values')
    await bad([{ conditions: [{ type: 'ip', values: ['10.0.0.0/33'] }], url: 'https://example.com' }], 'rules[0].conditions[0].values')
    await bad([{ conditions: [{ type: 'after', at: 'tomorrow' }], url: 'https://example.com' }], 'rules[0].conditions[0].at')
    await bad([{ conditions: [{ type: 'query' }], url: 'https://example.com' }], 'rules[0].conditions[0].param')
    await bad([{ conditions: [{ type: 'os' }], url: 'https://example.com' }], 'rules[0].conditions[0].values')
    await bad([{ conditions: [{ type: 'weather', values: ['rain'] }], url: 'https://example.com' }], /rules/)
    await bad([{ conditions: [], url: 'https://example.com' }], /rules/)
    await bad(Array.from({ length: 21 }, () => ({ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://example.com' })), /rules/)
    const typed = await h.api('POST', '/api/v1/links', { body: { kind: 'text', payload: { text: 'hi' }, rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://example.com' }] } })
    expect(typed.status).toBeGreaterThanOrEqual(400)
  })
})

describe.skipIf(!(process.env.DATABASE_URL && redisUrl))('routing rules on two instances', () => {
  let pair: HarnessPair
  let sb: Running
  beforeAll(async () => {
    pair = await createHarnessPair({ redis: true })
    sb = await pair.b.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await pair.close() }, SETUP_TIMEOUT)

  const at = (slug: string) => fetch(`${sb.url}/${slug}`, { redirect: 'manual', headers: { 'user-agent': IPHONE } })
    .then((r) => (r.status === 302 ? r.headers.get('location') : String(r.status)))

  test('a rule change on one instance is followed by the other within 1 s', async () => {
    await pair.a.createLink({ url: 'https://example.com/base', slug: 'shared-rules', rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://example.com/ios-1' }] })
    expect(await at('shared-rules')).toBe('https://example.com/ios-1') // now in B's cache
    await pair.a.api('PATCH', '/api/v1/links/shared-rules', { body: { rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://example.com/ios-2' }] } })
    expect(await within(1000, 'https://example.com/ios-2', () => at('shared-rules'))).toBe('https://example.com/ios-2')
    await pair.a.api('PATCH', '/api/v1/links/shared-rules', { body: { rules: null } })
    expect(await within(1000, 'https://example.com/base', () => at('shared-rules'))).toBe('https://example.com/base')
  })
})
