// A wrong method on a path the API has answers 405 with Allow, in the envelope; a path it does not
// have stays 404.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { allowedMethods } from '../src/shared/allowed-methods'
import type { Running } from '../src/server'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'

describe('allowedMethods', () => {
  const allow = allowedMethods([
    { method: 'OPTIONS', path: '/*' }, { method: 'GET', path: '/a' }, { method: 'POST', path: '/a/bulk' },
    { method: 'GET', path: '/a/:id' }, { method: 'DELETE', path: '/a/:id' }, { method: 'POST', path: '/a/:id/x.y' },
  ])
  test('a static path, a param path and both at once; GET brings HEAD; catch-alls are no path', () => {
    expect(allow('/a')).toEqual(['GET', 'HEAD', 'OPTIONS'])
    expect(allow('/a/lnk_1')).toEqual(['GET', 'HEAD', 'DELETE', 'OPTIONS'])
    expect(allow('/a/bulk')).toEqual(['POST', 'GET', 'HEAD', 'DELETE', 'OPTIONS'])
    expect(allow('/a/1/x.y')).toEqual(['POST', 'OPTIONS'])
    expect(allow('/a/1/xzy')).toBeNull()
    expect(allow('/a/')).toBeNull()
    expect(allow('/b')).toBeNull()
  })
})

describe('405 Method Not Allowed', () => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness()
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const expect405 = (r: { status: number; body: any; headers: Headers }, allow: string) => {
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe(allow)
    expect(r.body).toMatchObject({ success: false, data: null, error: { code: 'METHOD_NOT_ALLOWED', allow: allow.split(', ') } })
    expect(typeof r.body.timestamp).toBe('string')
  }

  test('a static path: DELETE /health and PUT /api/v1/me', async () => {
    expect405(await h.api('DELETE', '/health'), 'GET, HEAD, OPTIONS')
    expect405(await h.api('PUT', '/api/v1/me'), 'GET, HEAD, OPTIONS')
    expect405(await h.api('DELETE', '/api/v1/links'), 'POST, GET, HEAD, OPTIONS')
  })

  test('a path with a parameter: POST /api/v1/links/{id} lists what that route answers', async () => {
    expect405(await h.api('POST', '/api/v1/links/some-link'), 'GET, HEAD, PATCH, PUT, DELETE, OPTIONS')
    expect405(await h.api('DELETE', '/api/v1/links/some-link/qr'), 'GET, HEAD, OPTIONS')
    expect405(await h.api('GET', '/api/v1/webhooks/whk_1/deliveries/dlv_1/retry'), 'POST, OPTIONS')
  })

  test('paths the API does not have are still 404 NOT_FOUND', async () => {
    for (const [method, path] of [['GET', '/api/v1/no-such-route'], ['POST', '/api/v1/links/a/b/c'], ['DELETE', '/nowhere/at/all']]) {
      const r = await h.api(method, path)
      expect(r.status).toBe(404)
      expect(r.body.error.code).toBe('NOT_FOUND')
      expect(r.headers.get('allow')).toBeNull()
    }
  })

  test('through the server: POST /l/{slug} is 405, POST to a short URL stays 404', async () => {
    const typed = await fetch(`${s.url}/l/anything`, { method: 'POST' })
    expect(typed.status).toBe(405)
    expect(typed.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    expect(((await typed.json()) as any).error.code).toBe('METHOD_NOT_ALLOWED')
    expect((await fetch(`${s.url}/some-slug`, { method: 'POST' })).status).toBe(404)
  })
})
