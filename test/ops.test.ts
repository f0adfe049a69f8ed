import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { freePort } from './support/ports'

describe('operations', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('/health answers while the process is up', async () => {
    const r = await h.api('GET', '/health', { key: null })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('ok')
  })

  test('/health names the state of each dependency; /ready says the instance can serve', async () => {
    const r = await h.api('GET', '/health', { key: null })
    expect(r.status).toBe(200)
    expect(r.body.checks).toEqual({ postgres: 'ok', redis: 'not configured', clickhouse: 'not configured' })
    const ready = await h.api('GET', '/ready', { key: null })
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'ok' } })
  })

  test('/ready answers 503 once the instance is shutting down', async () => {
    h.deps.lifecycle!.stopping = true
    try {
      const r = await h.api('GET', '/ready', { key: null })
      expect(r.status).toBe(503)
      expect(r.body).toEqual({ status: 'unavailable', checks: { server: 'shutting down' } })
    } finally {
      h.deps.lifecycle!.stopping = false
    }
  })

  test('/metrics tells whether each configured dependency is up', async () => {
    const text = (await h.api('GET', '/metrics', { key: null })).body as string
    expect(text).toContain('kurz_dependency_up{dependency="postgres"} 1')
    expect(text).not.toContain('dependency="redis"') // not configured
    expect(text).toContain('kurz_redis_degraded 0')
  })

  test('/openapi.json documents the API routes with their response schemas', async () => {
    const r = await h.api('GET', '/openapi.json', { key: null })
    expect(r.status).toBe(200)
    const paths = r.body.paths
    expect(Object.keys(paths)).toEqual(expect.arrayContaining([
      '/api/v1/links', '/api/v1/links/{idOrSlug}', '/api/v1/links/bulk', '/api/v1/links/bulk-action',
      '/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/rotate-secret', '/api/v1/webhooks/{id}/deliveries',
      '/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry', '/api/v1/webhooks/{id}/test',
    ]))
    // Documented paths have no trailing slash (both forms answer).
    expect(Object.keys(paths).filter((p) => p.length > 1 && p.endsWith('/'))).toEqual([])
    const created = paths['/api/v1/links'].post.responses['201'].content['application/json'].schema
    expect(Object.keys(created.properties.data.properties)).toEqual(expect.arrayContaining(['shortCode', 'slug', 'clicks', 'usedCount', 'status', 'isActive']))
  })

  test('/docs serves the reference page and its bundle locally, without a CDN', async () => {
    const page = await h.app.handle(new Request('http://kurz.test/docs'))
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('/docs/scalar.js')
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg\.com/)
    const bundle = await h.app.handle(new Request('http://kurz.test/docs/scalar.js'))
    expect(bundle.status).toBe(200)
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
  })

  test('/metrics answers Prometheus text', async () => {
    const res = await h.app.handle(new Request('http://kurz.test/metrics'))
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toContain('kurz_redirects_total')
  })

  test('unknown /api routes get the envelope with 404', async () => {
    for (const path of ['/api', '/api/v1/nothing', '/api/v2/links']) {
      const r = await h.api('GET', path)
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ success: false, data: null, error: { code: 'NOT_FOUND' } })
    }
  })

  test('CORS is open and preflight is answered', async () => {
    const res = await h.app.handle(new Request('http://kurz.test/api/v1/links', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    }))
    expect(res.status).toBeLessThan(300)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    // A browser never lets `*` stand for Authorization: it must be named.
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/)
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type']))
    // `*` with credentials is refused by browsers; the API needs no cookies.
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    const err = await h.api('GET', '/api/v1/links', { key: null, headers: { origin: 'https://app.example' } })
    expect(err.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('browsers may read the rate-limit headers', async () => {
    const r = await h.api('GET', '/api/v1/links', { headers: { origin: 'https://app.example' } })
    expect(r.headers.get('x-ratelimit-limit')).not.toBeNull()
    const exposed = (r.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/)
    expect(exposed).toEqual(expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']))
  })
})

describe('process', () => {
  test('SIGTERM closes the server cleanly with exit code 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kurz-proc-'))
    const port = freePort()
    const child = Bun.spawn([process.execPath, 'src/main.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '', CLICKHOUSE_URL: '', CRON_INTERNAL: 'false' },
      stdout: 'pipe', stderr: 'pipe',
    })
    try {
      let up = false
      for (let i = 0; i < 240 && !up; i++) {
        up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)
        if (!up) await Bun.sleep(250)
      }
      expect(up).toBe(true)
      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => 'answered', () => 'closed')).toBe('closed')
    } finally {
      child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, SETUP_TIMEOUT)

  test('a bad setting stops the start with one clear line', async () => {
    const child = Bun.spawn([process.execPath, 'src/main.ts'], { env: { ...process.env, PORT: 'abc' }, stdout: 'pipe', stderr: 'pipe' })
    expect(await child.exited).toBe(1)
    const err = await new Response(child.stderr).text()
    expect(err.trim().split('\n')).toHaveLength(1)
    expect(err).toContain('PORT')
  })
})

describe('metrics of two apps in one process', () => {
  let a: Harness
  let b: Harness
  beforeAll(async () => { [a, b] = await Promise.all([createHarness(), createHarness()]) }, SETUP_TIMEOUT)
  afterAll(async () => { await Promise.all([a.close(), b.close()]) })

  const redirectsOf = async (h: Harness) => {
    const text = (await h.api('GET', '/metrics', { key: null })).body as string
    return Number(/^kurz_redirects_total (\d+)$/m.exec(text)?.[1])
  }

  test('a redirect on one app moves its own counter, not the other app\'s', async () => {
    await a.createLink({ url: 'https://example.com/counted', slug: 'ops-counted' })
    const s = await a.listen()
    const [aBefore, bBefore] = [await redirectsOf(a), await redirectsOf(b)]
    const r = await fetch(`${s.url}/ops-counted`, { redirect: 'manual' })
    expect(r.status).toBe(302)
    expect(await redirectsOf(a)).toBe(aBefore + 1)
    expect(await redirectsOf(b)).toBe(bBefore)
  })
})
