// What a request may carry: nesting, body bytes (with or without Content-Length), header bytes and
// a JSON body without a JSON Content-Type all answer in the error envelope, and never stall the
// redirects served at the same time.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, redisUrl, BASE_URL, SETUP_TIMEOUT, type Harness } from './support/harness'
import type { Running } from '../src/server'
import { loadConfig } from '../src/config'
import { nestsDeeperThan } from '../src/shared/json-body'

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const MAX_BODY = 64 * 1024
const MAX_BULK_BODY = 256 * 1024

function expectEnvelope(body: any, code: string) {
  expect(body).toMatchObject({ success: false, data: null, error: { code } })
  expect(typeof body.error.message).toBe('string')
  expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false)
}

describe.each(engines)('request bounds (%s)', (engine) => {
  let h: Harness
  let server: Running
  let slug: string
  beforeAll(async () => {
    h = await createHarness({ engine, redis: !!redisUrl, env: { MAX_BODY_BYTES: String(MAX_BODY), MAX_BULK_BODY_BYTES: String(MAX_BULK_BODY), MAX_HEADER_BYTES: '8192' } })
    server = await h.listen()
    slug = (await h.createLink({ url: 'https://example.com/bounds' })).slug
  }, SETUP_TIMEOUT)
  afterAll(() => h.close())

  const raw = (method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) =>
    h.app.handle(new Request(`${BASE_URL}${path}`, { method, body, headers: { authorization: `Bearer ${h.adminKey}`, ...headers } }))

  test.each([
    ['POST', '/api/auth/forgot-password', 'email'],
    ['POST', '/api/auth/register', 'email'],
    ['POST', '/api/v1/links', 'url'],
    ['POST', '/api/v1/links/bulk', 'links'],
    ['POST', '/api/v1/webhooks', 'url'],
    ['POST', '/api/v1/keys', 'name'],
  ])('JSON nested 4,000 levels deep in %s %s is a 400 naming the bound, in the envelope', async (method, path, field) => {
    const res = await raw(method, path, `{"${field}":${nested(4000)}}`, { 'content-type': 'application/json' })
    expect(res.status).toBe(400)
    const body: any = await res.json()
    expectEnvelope(body, 'VALIDATION_ERROR')
    expect(body.error).toMatchObject({ field: 'body', limit: 16 })
    expect(body.error.message).toContain('deeper than 16 levels')
  })

  test('a too-deep body answers with the same headers as any other bad body', async () => {
    const deep = await raw('POST', '/api/v1/links', `{"url":${nested(50)}}`, { 'content-type': 'application/json', origin: 'https://app.example' })
    const broken = await raw('POST', '/api/v1/links', '{"url":', { 'content-type': 'application/json', origin: 'https://app.example' })
    expect(deep.status).toBe(broken.status)
    expect([...deep.headers.keys()].sort()).toEqual([...broken.headers.keys()].sort())
    expect(deep.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('a link whose title is made of brackets is not nesting: it is created', async () => {
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/brackets', title: '[{'.repeat(90) } })
    expect(r.status).toBe(201)
    expect(r.body.data.title).toBe('[{'.repeat(90))
  })

  test('a 40 KB nested body on a real server answers 400 while a redirect sent with it is answered', async () => {
    const deep = fetch(`${server.url}/api/auth/forgot-password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email":${nested(20_000)}}`,
    })
    const started = performance.now()
    const redirect = await fetch(`${server.url}/${slug}`, { redirect: 'manual' })
    expect(redirect.status).toBe(302)
    expect(performance.now() - started).toBeLessThan(5000)
    const answer = await deep
    expect(answer.status).toBe(400)
    expectEnvelope(await answer.json(), 'VALIDATION_ERROR')
  })

  test('a body over the bound with a Content-Length is a 413 in the envelope', async () => {
    const res = await fetch(`${server.url}/api/v1/links`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminKey}` },
      body: JSON.stringify({ url: 'https://example.com/big', title: 'x'.repeat(MAX_BODY) }),
    })
    expect(res.status).toBe(413)
    const body: any = await res.json()
    expectEnvelope(body, 'PAYLOAD_TOO_LARGE')
    expect(body.error.limit).toBe(MAX_BODY)
  })

  test('a bulk create may be larger than other bodies, up to its own bound', async () => {
    const links = Array.from({ length: 10 }, (_, i) => ({ url: `https://example.com/bulk-${i}/${'a'.repeat(8000)}` }))
    const ok = await h.api('POST', '/api/v1/links/bulk', { body: { links } })
    expect(ok.status).toBe(200)
    expect(ok.body.data.totalCreated).toBe(10)
    const over = await h.api('POST', '/api/v1/links/bulk', { body: { links: [...links, ...links, ...links, ...links] } })
    expect(over.status).toBe(413)
    expect(over.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: MAX_BULK_BODY })
    const single = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', title: 'x'.repeat(MAX_BODY) } })
    expect(single.status).toBe(413)
    expect(single.body.error.limit).toBe(MAX_BODY)
  })

  test('a chunked body without a Content-Length is cut at the bound: 413 in the envelope', async () => {
    let sent = 0
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024))
    // Twenty megabytes on offer: the server must answer long before reading them all.
    const stream = new ReadableStream<Uint8Array>({
      pull(c) { if (sent >= 20 * 1024 * 1024) c.close(); else { sent += chunk.byteLength; c.enqueue(chunk) } },
    })
    const res = await fetch(`${server.url}/api/auth/forgot-password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half',
    } as RequestInit)
    expect(res.headers.get('content-length')).not.toBeNull()
    expect(res.status).toBe(413)
    expectEnvelope(await res.json(), 'PAYLOAD_TOO_LARGE')
    expect(sent).toBeLessThan(20 * 1024 * 1024)
  })

  test('a body over the bound is refused on a route that reads no body, and on no route at all', async () => {
    // (a path no route takes is held to the largest bound, before routing)
    for (const [path, size] of [['/api/v1/keys/key_none/regenerate', MAX_BODY + 1], ['/api/nowhere', MAX_BULK_BODY + 1]] as const) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${h.adminKey}` }, body: 'x'.repeat(size) })
      expect(res.status).toBe(413)
      expectEnvelope(await res.json(), 'PAYLOAD_TOO_LARGE')
    }
  })

  test('headers over the bound are a 431 in the envelope', async () => {
    const res = await fetch(`${server.url}/health`, { headers: { 'x-filler': 'a'.repeat(10_000) } })
    expect(res.status).toBe(431)
    expectEnvelope(await res.json(), 'HEADERS_TOO_LARGE')
  })

  test("headers past Bun's own bound get Bun's bodiless 431, and the server keeps serving", async () => {
    const res = await fetch(`${server.url}/health`, { headers: { 'x-filler': 'a'.repeat(80_000) } })
    expect(res.status).toBe(431)
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })

  test.each([
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form Content-Type', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])('a JSON body sent with %s is a 400 saying it was not read as JSON', async (_, headers) => {
    const res = await raw('POST', '/api/v1/links', JSON.stringify({ url: 'https://example.com/no-type' }), headers)
    expect(res.status).toBe(400)
    const body: any = await res.json()
    expectEnvelope(body, 'VALIDATION_ERROR')
    expect(body.error.field).toBe('body')
    expect(body.error.message).toContain('Content-Type must be application/json')
  })

  test('a JSON body with a charset in its Content-Type is read', async () => {
    const res = await raw('POST', '/api/v1/links', JSON.stringify({ url: 'https://example.com/charset' }), { 'content-type': 'application/json; charset=utf-8' })
    expect(res.status).toBe(201)
  })
})

describe('request bounds, configured', () => {
  const item = { url: `https://example.com/${'a'.repeat(8150)}`, title: 't'.repeat(200), kind: 'text', payload: { text: 'p'.repeat(4000) }, customSlug: 's'.repeat(50), expiresIn: '30d' }

  test('the default bulk bound holds a bulk request of the largest plan at its largest links', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/kurz-bounds-config', JWT_SECRET: 'x'.repeat(32), VISITOR_SALT: 's', CRON_SECRET: 'c' })
    const largest = Math.max(...config.plans.map((p) => p.bulkLimit))
    const body = JSON.stringify({ links: Array.from({ length: largest }, () => item) })
    expect(Buffer.byteLength(body)).toBeLessThan(config.requests.maxBulkBodyBytes)
    expect(config.requests).toMatchObject({ maxJsonDepth: 16, maxHeaderBytes: 16 * 1024 })
  })

  test('the default body bound holds the largest link and a bulk action on 1,000 long slugs', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/kurz-bounds-config', JWT_SECRET: 'x'.repeat(32), VISITOR_SALT: 's', CRON_SECRET: 'c' })
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(config.requests.maxBodyBytes)
    const action = { shortCodes: Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(100, 's')), action: 'DISABLE' }
    expect(Buffer.byteLength(JSON.stringify(action))).toBeLessThan(config.requests.maxBodyBytes)
  })

  test('MAX_BODY_BYTES out of its bounds is a configuration error naming it', () => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/kurz-bounds-config', MAX_BODY_BYTES: '12' })).toThrow(/MAX_BODY_BYTES/)
  })

  test('the nesting scan counts brackets outside strings only, escaped quotes included', () => {
    expect(nestsDeeperThan('{"a":"[[[[[\\"[[[["}', 2)).toBe(false)
    expect(nestsDeeperThan('{"a":[[1]]}', 2)).toBe(true)
    expect(nestsDeeperThan('{"a":[[1]]}', 3)).toBe(false)
  })
})
