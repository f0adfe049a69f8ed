// The OpenAPI document is the whole contract: every route in it, each with its summary, security and
// answers; request schemas that take what the server takes. (The document does not depend on the
// database engine: PGlite only.)
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { schemaError } from './support/json-schema'
import { finishDocument } from '../src/docs/document'
import { createBody } from '../src/links/model'

type Op = { summary?: string; description?: string; security?: Record<string, string[]>[]; responses?: Record<string, any>; requestBody?: any; parameters?: any[] }
type Doc = { paths: Record<string, Record<string, Op>>; components: { securitySchemes?: Record<string, any> } }

/** Routes Bun's router answers before Elysia (src/server.ts), which app.routes cannot list. */
const BUN_ROUTES = [['GET', '/{slug}'], ['HEAD', '/{slug}']]
/** The reference page's script: an asset, not an API operation. */
const ASSETS = ['/docs/scalar.js']

const toDocPath = (p: string) => p.replace(/:(\w+)/g, '{$1}')

describe('the OpenAPI document', () => {
  let h: Harness
  let doc: Doc
  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, op })))

  beforeAll(async () => {
    h = await createHarness()
    // Compile every route first: Elysia marks request schemas `additionalProperties: false` when it
    // compiles a route, and a document generated after that must still say what the server takes.
    for (const r of h.app.routes) {
      if (r.method === 'OPTIONS' || r.path.includes('*') || r.path === '/openapi.json') continue
      // (it would revoke the key the rest of this file calls with)
      if (r.path === '/api/v1/keys/revoke-all') continue
      await h.api(r.method, r.path.replace(/:\w+/g, 'x'), { body: ['GET', 'HEAD'].includes(r.method) ? undefined : { extra: 1 } })
    }
    doc = (await h.api('GET', '/openapi.json', { key: null })).body
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('lists every route the server answers, the Bun-routed redirects included', () => {
    const documented = new Set(operations().map((o) => o.key))
    const served = [
      ...h.app.routes.filter((r) => r.method !== 'OPTIONS' && !ASSETS.includes(r.path)).map((r) => [r.method, toDocPath(r.path)]),
      ...BUN_ROUTES,
    ].map(([m, p]) => `${m} ${p}`)
    expect(served.filter((k) => !documented.has(k))).toEqual([])
    expect(served.length).toBeGreaterThan(50)
  })

  test('declares the three forms of an API key, the JWT and the session cookie, and every operation names its security', () => {
    const schemes = doc.components.securitySchemes ?? {}
    expect(schemes.apiKeyBearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(schemes.apiKeyRaw).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' })
    expect(schemes.apiKeyHeader).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' })
    expect(schemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    const missing = operations().filter(({ op }) => !Array.isArray(op.security)).map((o) => o.key)
    expect(missing).toEqual([])
    const unknown = operations().flatMap(({ op }) => (op.security ?? []).flatMap(Object.keys)).filter((s) => !(s in schemes))
    expect(unknown).toEqual([])
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'kurz_session' })
    expect(doc.paths['/api/v1/links'].post.security).toHaveLength(5)
    expect(doc.paths['/{slug}'].get.security).toEqual([])
    expect(doc.paths['/health'].get.security).toEqual([])
  })

  test('every operation has a summary, a description and a success answer with its content type', () => {
    const bad: string[] = []
    for (const { key, op } of operations()) {
      if (!op.summary || !op.description) bad.push(`${key}: no summary or description`)
      const ok = Object.entries(op.responses ?? {}).filter(([s]) => /^[23]/.test(s))
      if (ok.length === 0) bad.push(`${key}: no 2xx or 3xx answer`)
      for (const [status, r] of ok) {
        if (status.startsWith('3')) {
          if (!r.headers?.Location) bad.push(`${key} ${status}: no Location header`)
          continue
        }
        const types = Object.keys(r.content ?? {})
        if (types.length === 0 || types.some((t) => !r.content[t].schema)) bad.push(`${key} ${status}: no content schema`)
      }
      // 500 is a bug, never part of the contract.
      if (op.responses?.['500']) bad.push(`${key}: lists 500`)
    }
    expect(bad).toEqual([])
  })

  test('non-JSON answers carry their own media types', () => {
    expect(Object.keys(doc.paths['/metrics'].get.responses!['200'].content)).toEqual(['text/plain; version=0.0.4'])
    expect(Object.keys(doc.paths['/api/v1/links/{idOrSlug}/qr'].get.responses!['200'].content).sort()).toEqual(['image/png', 'image/svg+xml'])
    expect(Object.keys(doc.paths['/l/{slug}'].get.responses!['200'].content)).toContain('text/html')
    expect(doc.paths['/{slug}'].get.responses!['302'].headers.Location).toBeDefined()
    expect(Object.keys(doc.paths['/{slug}'].get.responses!)).toEqual(['200', '302', '401', '404', '410', '429', '503'])
  })

  test('lists only the error answers a route can give: no 402 where no plan limit applies, no 409 without a conflict', () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses!)
    expect(statuses('/api/v1/links', 'post')).toEqual(['201', '400', '401', '402', '403', '409', '413', '429', '503'])
    expect(statuses('/api/v1/links', 'get')).not.toContain('413')
    expect(statuses('/api/v1/links', 'get')).not.toContain('402')
    expect(statuses('/api/v1/links', 'get')).not.toContain('404')
    expect(statuses('/api/v1/keys/{id}', 'delete')).toContain('404')
    expect(statuses('/api/auth/forgot-password', 'post')).not.toContain('401')
  })

  test('request schemas take unknown fields, as the server does', async () => {
    const falses = JSON.stringify(doc).match(/"additionalProperties":false/g) ?? []
    expect(falses).toHaveLength(0)
    const body = { url: 'https://example.com/extra', extraField: 'ignored', nested: { deep: true } }
    const schema = doc.paths['/api/v1/links'].post.requestBody.content['application/json'].schema
    expect(schemaError(schema, body)).toBeNull()
    const created = await h.api('POST', '/api/v1/links', { body })
    expect(created.status).toBe(201)
    expect(created.body.data.extraField).toBeUndefined()
    const register = doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema
    expect(schemaError(register, { email: 'x@kurz.test', password: 'long enough', plan: 'Business' })).toBeNull()
  })

  test('the reference page starts with an API key as a bearer token and offers every scheme of the document', async () => {
    const page = await h.app.handle(new Request('http://kurz.test/docs'))
    const html = await page.text()
    const config = JSON.parse(html.match(/data-configuration='([^']*)'/)![1])
    expect(config.authentication.preferredSecurityScheme).toBe('apiKeyBearer')
    // (relative to /docs: the page fetches /openapi.json)
    expect(new URL(config.url, 'http://kurz.test/docs').pathname).toBe('/openapi.json')
  })

  test('a schema Elysia compiled (additionalProperties: false, to strip unknown fields) is documented as taking them', async () => {
    // Elysia sets this on the route's own schema object once the route has run.
    expect((createBody as { additionalProperties?: boolean }).additionalProperties).toBe(false)
    const generated = { paths: { '/x': { post: {
      requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'object', additionalProperties: false, error: { field: 'a' } } } } } } },
      responses: { 200: { content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } } },
    } } } }
    const finished = finishDocument(generated) as any
    expect(finished.paths['/x'].post.requestBody.content['application/json'].schema).toEqual({ type: 'object', properties: { a: { type: 'object' } } })
    expect(finished.paths['/x'].post.responses[200].content['application/json'].schema.additionalProperties).toBe(true)
    expect(generated.paths['/x'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false)
  })
})
