import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'

describe.each(engines)('service on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('a created link redirects with its query string passed on', async () => {
    const created = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', slug: 'smoke' } })
    expect(created.status).toBe(201)
    const s = await h.listen()
    const res = await fetch(`${s.url}/smoke?utm_source=t`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://example.com/x?utm_source=t')
  })
})
