// A/B tests: sticky weighted assignment from the salted visitor hash, the variant recorded per
// click in ClickHouse, per-variant analytics with a p-value, ending a test; and the breakdown of
// clicks by UTM value and variant, filtered by tag.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountingSink } from '../src/clicks/sink'
import { bucketOf } from '../src/rules/evaluate'
import { twoProportionPValue } from '../src/ab/stats'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { CHROME, IPHONE } from './support/clicks'

const variants = (...urls: [string, number][]) => ({ variants: urls.map(([url, weight]) => ({ url, weight })) })

describe.each(engines)('A/B tests on %s', (engine) => {
  let h: Harness
  let s: Running
  let sink: CountingSink
  beforeAll(async () => {
    sink = new CountingSink()
    h = await createHarness({ engine, redis: true, env: { TRUST_PROXY: 'true' }, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const go = async (slug: string, ip: string, ua = CHROME) => {
    const r = await fetch(`${s.url}/${slug}`, { redirect: 'manual', headers: { 'user-agent': ua, 'x-forwarded-for': ip } })
    return r.headers.get('location')
  }

  test('a visitor sees the same variant on every visit, and the click records it', async () => {
    await h.createLink({ url: 'https://example.com/orig', slug: 'ab-sticky', abTest: variants(['https://example.com/a', 50], ['https://example.com/b', 50]) })
    for (let i = 0; i < 10; i++) {
      const ip = `198.51.100.${i}`
      const first = await go('ab-sticky', ip)
      for (let k = 0; k < 3; k++) expect(await go('ab-sticky', ip)).toBe(first)
      const click = sink.received.at(-1)!
      expect(click.variant).toBe(first === 'https://example.com/a' ? 'A' : 'B')
    }
  })

  test('visitors are split by the weights', async () => {
    await h.createLink({ url: 'https://example.com/orig', slug: 'ab-weights', abTest: variants(['https://example.com/w1', 20], ['https://example.com/w2', 30], ['https://example.com/w3', 50]) })
    const seen = new Map<string, number>()
    for (let i = 0; i < 400; i++) {
      const loc = (await go('ab-weights', `10.9.${i >> 8}.${i & 255}`))!
      seen.set(loc, (seen.get(loc) ?? 0) + 1)
    }
    expect(seen.get('https://example.com/w1')! / 400).toBeGreaterThan(0.12)
    expect(seen.get('https://example.com/w1')! / 400).toBeLessThan(0.28)
    expect(seen.get('https://example.com/w3')! / 400).toBeGreaterThan(0.4)
    expect(seen.get('https://example.com/w3')! / 400).toBeLessThan(0.6)
  })

  test('the assignment depends on the link and the salt, not only on the visitor', () => {
    const spread = new Set(Array.from({ length: 50 }, (_, i) => bucketOf('salt', '1.2.3.4', CHROME, `lnk_${i}`)))
    expect(spread.size).toBeGreaterThan(20)
    expect(bucketOf('salt', '1.2.3.4', CHROME, 'lnk_1')).toBe(bucketOf('salt', '1.2.3.4', CHROME, 'lnk_1'))
  })

  test('routing rules come before the test', async () => {
    await h.createLink({
      url: 'https://example.com/orig', slug: 'ab-rules', abTest: variants(['https://example.com/a', 50], ['https://example.com/b', 50]),
      rules: [{ conditions: [{ type: 'os', values: ['iOS'] }], url: 'https://apps.apple.com/app/id1' }],
    })
    expect(await go('ab-rules', '198.51.100.1', IPHONE)).toBe('https://apps.apple.com/app/id1')
    expect(sink.received.at(-1)!.variant).toBeUndefined()
  })

  test('ending the test promotes the winner to the destination', async () => {
    const r = await h.api('POST', '/api/v1/links/ab-sticky/ab-test/end', { body: { winner: 'B' } })
    expect(r.status).toBe(200)
    expect(r.body.data.originalUrl).toBe('https://example.com/b')
    expect(r.body.data.abTest).toBeNull()
    for (let i = 0; i < 5; i++) expect(await go('ab-sticky', `198.51.100.${i}`)).toBe('https://example.com/b')
    expect((await h.api('POST', '/api/v1/links/ab-sticky/ab-test/end', { body: { winner: 'A' } })).status).toBe(404)
    const three = await h.api('POST', '/api/v1/links/ab-weights/ab-test/end', { body: { winner: 'D' } })
    expect(three.status).toBe(400)
    expect(three.body.error.field).toBe('winner')
  })

  test('every A/B field has its validation error', async () => {
    const bad = async (abTest: unknown, field: string | RegExp, code = 'VALIDATION_ERROR') => {
      const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', abTest } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe(code)
      expect(r.body.error.field).toMatch(field)
    }
    await bad(variants(['https://example.com/a', 60], ['https://example.com/b', 30]), 'abTest.variants')
    await bad(variants(['https://example.com/a', 97], ['https://example.com/b', 3]), /abTest/)
    await bad(variants(['https://example.com/a', 100]), /abTest/)
    await bad(variants(['https://example.com/a', 20], ['https://example.com/b', 20], ['https://example.com/c', 20], ['https://example.com/d', 20], ['https://example.com/e', 20]), /abTest/)
    await bad(variants(['https://example.com/a', 50], ['ftp://example.com/b', 50]), 'abTest.variants[1].url', 'INVALID_URL')
    await bad(variants(['https://example.com/a', 50], [`${h.config.baseUrl}/x`, 50]), 'abTest.variants[1].url', 'INVALID_URL')
    await bad(variants(['https://example.com/a', 50.5], ['https://example.com/b', 49.5]), /abTest/)
  })

  test('results without a click store answer zeros; a link without a test is 404', async () => {
    const r = await h.api('GET', '/api/v1/links/ab-weights/ab-test')
    expect(r.status).toBe(200)
    expect(r.body.data.variants.map((v: { key: string }) => v.key)).toEqual(['A', 'B', 'C'])
    expect((await h.api('GET', '/api/v1/links/ab-sticky/ab-test')).status).toBe(404)
    expect((await h.api('GET', '/api/v1/links/ab-weights/ab-test?conversions=A:x')).status).toBe(400)
  })
})

test('the two-proportion p-value matches the textbook figures', () => {
  // 200/1000 against 250/1000: z ≈ 2.68, p ≈ 0.0073
  expect(twoProportionPValue(200, 1000, 250, 1000)!).toBeCloseTo(0.0073, 3)
  expect(twoProportionPValue(100, 1000, 100, 1000)!).toBeCloseTo(1, 6)
  expect(twoProportionPValue(1, 0, 1, 10)).toBeNull()
})

describe('A/B and UTM analytics in ClickHouse', () => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ clickhouse: true, env: { TRUST_PROXY: 'true' } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const visit = (slug: string, ip: string, query = '') =>
    fetch(`${s.url}/${slug}${query}`, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': ip } }).then((r) => r.headers.get('location'))

  test('each click records its variant; the results give clicks, visitors, share and the p-value against A', async () => {
    await h.createLink({ url: 'https://example.com/o', slug: 'ab-ch', abTest: variants(['https://example.com/a', 50], ['https://example.com/b', 50]) })
    const got = { A: 0, B: 0 }
    for (let i = 0; i < 60; i++) {
      const loc = await visit('ab-ch', `203.0.113.${i}`)
      await visit('ab-ch', `203.0.113.${i}`)
      got[loc === 'https://example.com/a' ? 'A' : 'B']++
    }
    await h.deps.clicks.flush()
    const r = await h.api('GET', `/api/v1/links/ab-ch/ab-test?conversions=A:${Math.floor(got.A / 2)},B:1`)
    expect(r.status).toBe(200)
    const [a, b] = r.body.data.variants
    expect(r.body.data.totalClicks).toBe(120)
    expect(a).toMatchObject({ key: 'A', clicks: got.A * 2, visitors: got.A, conversions: Math.floor(got.A / 2), pValue: null })
    expect(b).toMatchObject({ key: 'B', clicks: got.B * 2, visitors: got.B, conversions: 1 })
    expect(a.share + b.share).toBeCloseTo(1, 6)
    expect(b.pValue).toBeGreaterThanOrEqual(0)
    expect(b.pValue).toBeLessThan(0.05)
    const tooMany = await h.api('GET', `/api/v1/links/ab-ch/ab-test?conversions=A:${got.A + 1}`)
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error.field).toBe('conversions')
    const byVariant = await h.api('GET', '/api/v1/analytics/breakdown?by=variant')
    expect(byVariant.body.data.rows.find((x: { name: string }) => x.name === 'A').clicks).toBe(got.A * 2)
  })

  test('clicks keep the link\'s UTM values (over the visitor\'s) and group by them, also filtered by tag', async () => {
    const tag = (await h.api('POST', '/api/v1/tags', { body: { name: 'spring', color: '#22c55e' } })).body.data
    await h.createLink({ url: 'https://example.com/u', slug: 'utm-ch', utm: { source: 'news', campaign: 'spring' }, tagIds: [tag.id] })
    await h.createLink({ url: 'https://example.com/v', slug: 'utm-other' })
    for (let i = 0; i < 3; i++) await visit('utm-ch', `203.0.113.${i}`, '?utm_source=evil&utm_term=shoes')
    for (let i = 0; i < 2; i++) await visit('utm-other', `203.0.113.${i}`, '?utm_source=ads&utm_content=banner')
    await h.deps.clicks.flush()
    const by = async (dim: string, extra = '') => (await h.api('GET', `/api/v1/analytics/breakdown?by=${dim}${extra}`)).body.data
    const sources = await by('utm_source')
    expect(sources.rows.find((r: { name: string }) => r.name === 'news')).toMatchObject({ clicks: 3, visitors: 3 })
    expect(sources.rows.find((r: { name: string }) => r.name === 'ads')).toMatchObject({ clicks: 2 })
    expect(sources.rows.find((r: { name: string }) => r.name === 'evil')).toBeUndefined()
    expect((await by('utm_term')).rows.find((r: { name: string }) => r.name === 'shoes').clicks).toBe(3)
    expect((await by('utm_content')).rows.find((r: { name: string }) => r.name === 'banner').clicks).toBe(2)
    const tagged = await by('utm_campaign', `&tag=${tag.id}`)
    expect(tagged.summary.totalClicks).toBe(3)
    expect(tagged.rows).toEqual([{ name: 'spring', clicks: 3, visitors: 3 }])
    expect((await h.api('GET', '/api/v1/analytics/breakdown?by=utm_source&tag=tag_nope')).status).toBe(404)
    expect((await h.api('GET', '/api/v1/analytics/breakdown?by=weather')).status).toBe(400)
  })
})
