// Fuzzing from the live OpenAPI document: FUZZ_COUNT requests (default 10,000) across every operation,
// through app.handle for speed and a share through a real server for the Bun-routed redirects.
// No answer may be a 500; every error is the envelope with a status the operation declares; every 2xx
// fits its declared schema; memory stays flat. FUZZ_SEED repeats a run; a failure prints reproducers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { createHarness, SETUP_TIMEOUT, BASE_URL, type Harness } from './support/harness'
import { createUser } from './support/users'
import { schemaError } from './support/json-schema'
import { requestsFor, type FuzzRequest, type Operation, type Pools } from './support/fuzz-requests'
import { DEFAULT_PLANS } from '../src/plans/table'

const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000)
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
/** Through the real server: the redirect plane, and API calls over the wire. */
const SERVER_SHARE = 0.05
const CONCURRENCY = 4

type Failure = { why: string; req: FuzzRequest; status: number; body: string }

function reproducer(f: Failure): string {
  const body = f.req.body === undefined ? '' : typeof f.req.body === 'string' ? f.req.body : `bytes ${Buffer.from(f.req.body).toString('hex')}`
  return `${f.why}\n  ${f.req.method} ${f.req.path}  [${f.req.kind}]\n  headers: ${JSON.stringify(f.req.headers)}\n  body: ${body.slice(0, 300)}${body.length > 300 ? `… (${body.length} chars)` : ''}\n  answer ${f.status}: ${f.body.slice(0, 300)}`
}

/** What is wrong with an answer, or null. */
function judge(op: Record<string, any> | undefined, req: FuzzRequest, status: number, type: string, text: string): string | null {
  if (status >= 500 && status !== 503) return `answered ${status}`
  const declared = op?.responses?.[String(status)]
  if (req.method === 'HEAD' || status === 204 || (status >= 300 && status < 400)) return declared || !op ? null : `answered ${status}, which the operation does not declare`
  if (status >= 400) {
    if (type.includes('text/html')) return null
    let body: any
    try { body = JSON.parse(text) } catch { return `error answer ${status} is not JSON` }
    if (body?.success !== false || body.data !== null || typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string' || typeof body.timestamp !== 'string')
      return `error answer ${status} is not the envelope`
    // A path parameter that holds a '/' makes another path: the router's 404 NOT_FOUND, or its 405.
    const routerAnswer = (status === 404 && body.error.code === 'NOT_FOUND') || status === 405
    return op && !declared && !routerAnswer ? `answered ${status} ${body.error.code}, which the operation does not declare` : null
  }
  if (op && !declared) return `answered ${status}, which the operation does not declare`
  const content = declared?.content ?? {}
  const media = Object.keys(content).find((m) => type.startsWith(m.split(';')[0]))
  if (!media) return `content-type ${type} is not one of ${Object.keys(content).join(', ')}`
  if (media !== 'application/json') return null
  const e = schemaError(content[media].schema, JSON.parse(text))
  return e && `2xx answer does not fit its schema: ${e}`
}

/** The request's headers with any credentials replaced by `key`'s (no credentials stay none). */
function asAccount(headers: Record<string, string>, key: string): Record<string, string> {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  if (!('authorization' in lower) && !('x-api-key' in lower)) return headers
  const { authorization: _a, 'x-api-key': _x, ...rest } = lower
  return { ...rest, authorization: `Bearer ${key}` }
}

describe('fuzzing the API from its OpenAPI document', () => {
  let h: Harness
  let ops: Operation[]
  let pools: Pools
  let dir = ''
  /** Revoking every key would take the admin's own keys from the rest of the run: that call runs as this account. */
  let sacrificialKey = ''

  beforeAll(async () => {
    // Plans with room: the fuzzer is to reach the handlers, not the rate limit (whose 429 it still checks).
    dir = mkdtempSync(join(tmpdir(), 'kurz-fuzz-'))
    const plansFile = join(dir, 'plans.json')
    writeFileSync(plansFile, JSON.stringify(DEFAULT_PLANS.map((p) => ({ ...p, rateLimitPerMinute: 1_000_000, linkLimit: 1_000_000, bulkLimit: 20 }))))
    // (private webhook URLs: an endpoint on a closed local port, so that tests and retries fail fast)
    h = await createHarness({ env: { PLANS_FILE: plansFile, WEBHOOK_ALLOW_PRIVATE: 'true' } })
    const doc = (await h.api('GET', '/openapi.json', { key: null })).body
    ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })))
    const login = await h.api('POST', '/api/auth/login', { key: null, body: { email: h.adminEmail, password: h.adminPassword } })
    const other = await createUser(h, { plan: 'Pro' })
    sacrificialKey = (await createUser(h, { plan: 'Pro' })).key
    const links = await Promise.all(Array.from({ length: 8 }, (_, i) => h.createLink({ url: `https://example.com/${i}`, ...(i % 2 ? { singleUse: true } : {}) })))
    const keys = await Promise.all([1, 2, 3].map((i) => h.api('POST', '/api/v1/keys', { body: { name: `fuzz ${i}` } })))
    const typed = await h.createLink({ kind: 'text', payload: { text: 'hello' } })
    const webhook = await h.api('POST', '/api/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', events: ['link.created', 'link.clicked'] } })
    const domain = await h.api('POST', '/api/v1/domains', { body: { hostname: 'fuzz.example.com' } })
    const me = await h.api('GET', '/api/v1/admin/users?size=100')
    pools = {
      ids: [
        ...links.flatMap((l) => [l.id, l.slug]), typed.slug, ...keys.map((k) => k.body.data.id), other.id, webhook.body.data.id,
        domain.body.data.id, ...me.body.data.content.map((u: { id: string }) => u.id), 'x', 'nope',
      ],
      credentials: {
        'no credentials': null,
        'key as bearer': JSON.stringify({ authorization: `Bearer ${h.adminKey}` }),
        'raw key': JSON.stringify({ authorization: h.adminKey }),
        'X-API-Key': JSON.stringify({ 'x-api-key': h.adminKey }),
        'JWT': JSON.stringify({ authorization: `Bearer ${login.body.token}` }),
        'another account\'s key': JSON.stringify({ authorization: `Bearer ${other.key}` }),
        'garbage bearer': JSON.stringify({ authorization: 'Bearer sk_live_000000000000000000000000000000000000' }),
        'garbage JWT': JSON.stringify({ authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }),
        'garbage header': JSON.stringify({ authorization: 'Basic Zm9vOmJhcg==', 'x-api-key': '\u00ff\u00fe' }),
      },
    }
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test(`${COUNT} generated requests: no 500, every error in the envelope, every 2xx fits its schema, memory flat`, async () => {
    const sample = fc.sample(requestsFor(ops.filter((o) => o.path !== '/{slug}'), pools), { seed: SEED, numRuns: COUNT })
    const redirects = fc.sample(requestsFor(ops.filter((o) => o.path === '/{slug}'), pools), { seed: SEED + 1, numRuns: Math.ceil(COUNT * SERVER_SHARE) })
    // Whatever the seed: a last parameter of '.', '..' or '' folds the URL into another path (/tags/. is /tags/).
    const folded: FuzzRequest[] = ops.filter((o) => o.method === 'GET' && o.path !== '/{slug}' && /\/\{\w+\}$/.test(o.path)).flatMap((o) =>
      ['.', '..', ''].map((last) => ({ method: 'GET', path: o.path.replace(/\{\w+\}$/, last).replace(/\{\w+\}/g, 'x'), headers: { authorization: `Bearer ${h.adminKey}` }, kind: 'folded path, admin key' })))
    const byKey = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.op]))
    // Static paths first: /openapi.json is not a slug.
    const matching = [...ops].sort((a, b) => a.path.split('{').length - b.path.split('{').length)
    // A path template as a pattern: {param} is one segment, a trailing * anything (/app/*).
    const patternOf = (path: string) => new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\{\w+\}/g, '[^/]+')}$`)
    // As the URL parser reads it (/a/. is /a/, /a/b/.. is /a/), and then the router, which takes /a/ for /a.
    const pathOf = (req: FuzzRequest) => new URL(`http://kurz.test${req.path}`).pathname.replace(/(.)\/$/, '$1')
    const opOf = (req: FuzzRequest) => matching.find((o) => o.method === req.method && patternOf(o.path).test(pathOf(req)))?.op
    const failures: Failure[] = []
    const statuses = new Map<number, number>()
    const timing = new Map<string, number>()
    const counts = new Map<string, number>()
    const server = await h.listen()

    const send = async (req: FuzzRequest, base: string, viaServer: boolean) => {
      const t0 = performance.now()
      const revokesAll = req.method === 'POST' && req.path.split('?')[0] === '/api/v1/keys/revoke-all'
      const headers = revokesAll ? asAccount(req.headers, sacrificialKey) : req.headers
      const init = { method: req.method, headers, body: req.body, redirect: 'manual' as const }
      const res = viaServer ? await fetch(base + req.path, init) : await h.app.handle(new Request(base + req.path, init))
      const text = req.method === 'HEAD' ? '' : await res.text()
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      const key = `${req.method} ${req.path.split('?')[0].slice(0, 40)}`
      timing.set(key, (timing.get(key) ?? 0) + performance.now() - t0)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      // A single segment that is no route of Elysia's is a slug: Bun's redirect, or Elysia's 404 without the server.
      const op = opOf(req)
      const why = judge(op === byKey.get(`${req.method} /{slug}`) && !viaServer ? undefined : op, req, res.status, res.headers.get('content-type') ?? '', text)
      if (why) failures.push({ why, req, status: res.status, body: text })
    }
    const run = async (reqs: FuzzRequest[], base: string, viaServer: boolean) => {
      let next = 0
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < reqs.length) {
          const req = reqs[next++]
          await send(req, base, viaServer).catch((e) => failures.push({ why: `request failed: ${e}`, req, status: 0, body: '' }))
        }
      }))
    }

    Bun.gc(true)
    const rssBefore = process.memoryUsage().rss
    const started = Date.now()
    // The server first, while the pool's links still exist (the in-process share deletes and disables them).
    await run([...redirects, ...folded, ...sample.slice(0, Math.ceil(COUNT * SERVER_SHARE))], server.url, true)
    await run([...folded, ...sample], BASE_URL, false)
    Bun.gc(true)
    const rssAfter = process.memoryUsage().rss
    const sent = sample.length + redirects.length + Math.ceil(COUNT * SERVER_SHARE) + 2 * folded.length
    console.log(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} repeats it), ${sent} requests over ${ops.length} operations in ${Date.now() - started} ms; `
      + `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`)
    if (process.env.FUZZ_TIMING) console.log([...timing].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, ms]) => `${k}: ${ms.toFixed(0)} ms / ${counts.get(k)}`).join('\n'))
    const kinds = new Map<string, Failure>()
    for (const f of failures) if (!kinds.has(f.why.replace(/\d+/g, 'N') + f.req.method + f.req.path.split('?')[0].replace(/\/[^/]*$/, ''))) kinds.set(f.why.replace(/\d+/g, 'N') + f.req.method + f.req.path.split('?')[0].replace(/\/[^/]*$/, ''), f)
    if (failures.length) console.log(`fuzz: ${failures.length} failures, ${kinds.size} kinds; one reproducer each:\n${[...kinds.values()].slice(0, 40).map(reproducer).join('\n')}`)
    expect(failures.length).toBe(0)
    expect(sent).toBeGreaterThanOrEqual(COUNT)
    // Generous: what leaks grows with the request count; caches and PGlite's pages do not.
    expect(rssAfter - rssBefore).toBeLessThan(512 * 2 ** 20)
  }, 600_000)
})
