// The bench's load generator measures what it claims: each answer is read whole whatever its
// framing, connections are reused, a wrong answer or a dead server counts as a failure, and the
// open model sends at the asked rate.
import { afterAll, describe, expect, test } from 'bun:test'
import { Pool } from '../bench/load/http'
import { constantRate, Part } from '../bench/load/engine'
import { broken, redirects, type Slugs } from '../bench/load/scenarios'

const seen = new Set<string>()
const server = Bun.serve({
  port: 0,
  fetch(req, srv) {
    seen.add(String(srv.requestIP(req)?.port))
    const path = new URL(req.url).pathname
    if (path === '/chunked') {
      // Three chunks, sent apart, so the client sees the framing split across reads.
      const stream = new ReadableStream({
        async start(c) {
          for (const part of ['one-', 'two-', 'three']) {
            c.enqueue(new TextEncoder().encode(part))
            await Bun.sleep(5)
          }
          c.close()
        },
      })
      return new Response(stream)
    }
    if (path === '/echo') return req.text().then((t) => new Response(`${req.method} ${t}`, { status: 201 }))
    if (path === '/missing') return new Response('nope', { status: 404 })
    return new Response(null, { status: 302, headers: { location: `https://example.com${path}` } })
  },
})
const origin = `http://127.0.0.1:${server.port}`
afterAll(() => server.stop(true))

const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('load generator', () => {
  test('a chunked answer, a sized answer with a body sent, and a HEAD answer are each read whole', async () => {
    const pool = new Pool(origin)
    const chunked = await pool.request({ method: 'GET', path: '/chunked' })
    expect(text(chunked.body)).toBe('one-two-three')
    const echo = await pool.request({ method: 'POST', path: '/echo', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    expect([echo.status, text(echo.body)]).toEqual([201, 'POST {"a":1}'])
    const head = await pool.request({ method: 'HEAD', path: '/abc' })
    expect([head.status, head.headers.location]).toEqual([302, 'https://example.com/abc'])
    // The HEAD answer's Content-Length promised no body: the next answer on the connection is read as its own.
    const after = await pool.request({ method: 'GET', path: '/chunked' })
    expect(text(after.body)).toBe('one-two-three')
    pool.close()
  })

  test('requests one after another reuse one keep-alive connection', async () => {
    seen.clear()
    const pool = new Pool(origin)
    for (let i = 0; i < 20; i++) await pool.request({ method: 'GET', path: `/s${i}` })
    expect(seen.size).toBe(1)
    pool.close()
  })

  test('a connection idle for seconds is not reused: a server may be closing it just then', async () => {
    seen.clear()
    const pool = new Pool(origin)
    await pool.request({ method: 'GET', path: '/a' })
    await pool.request({ method: 'GET', path: '/b' })
    expect(seen.size).toBe(1)
    await Bun.sleep(4_500)
    await pool.request({ method: 'GET', path: '/c' })
    expect(seen.size).toBe(2)
    pool.close()
  })

  test('the open model sends the asked number of requests and counts a wrong answer as failed', async () => {
    const pool = new Pool(origin)
    const part = new Part('mixed')
    await constantRate(part, { rate: 400, seconds: 0.5, maxInFlight: 50 }, async (i) => {
      const a = await pool.request({ method: 'GET', path: i % 10 === 0 ? '/missing' : '/ok' })
      return a.status === 302
    })
    const s = part.summary()
    expect(s.requests).toBe(200)
    expect(s.failed).toBe(20)
    expect(s.dropped).toBe(0)
    expect(s.p50).toBeGreaterThan(0)
    pool.close()
  })

  test('a server that is not there fails every request instead of hanging the run', async () => {
    const dead = Bun.serve({ port: 0, fetch: () => new Response('') })
    const url = `http://127.0.0.1:${dead.port}`
    dead.stop(true)
    const slugs: Slugs = { count: 1, at: () => 'x', remove: async () => {} }
    const run = await redirects({ pool: new Pool(url), apiKey: '' }, slugs, { rate: 100, seconds: 0.2, method: 'GET' })
    expect(run.parts[0].summary()).toMatchObject({ requests: 20, failed: 20 })
    expect(broken(run).join()).toContain('20 of 20 failed')
  })
})
