// What the load generator sends: redirects at a fixed rate, the API's create and list, and a
// day-like mix of both. Each scenario returns its parts and the limits a run is held to.
import { constantClients, constantRate, Part } from './engine'
import type { Answer, Pool, Request } from './http'

/** The deployment: its connections (their origin is the base URL) and the API key, if any. */
export type Target = { pool: Pool; apiKey: string }

/** A part's limits: latency percentiles in milliseconds, and the share of failed requests. */
export type Threshold = { part: string; p95Ms?: number; p99Ms?: number; maxFailedRate: number }
export type Run = { parts: Part[]; thresholds: Threshold[] }

const isRedirect = (r: Answer) => r.status >= 301 && r.status <= 308 && r.headers.location !== undefined

/** Whether the answer was the expected one; redirects are never followed. */
const send = async (t: Target, r: Request, ok: (a: Answer) => boolean) => ok(await t.pool.request(r))
const get = (path: string): Request => ({ method: 'GET', path })

const apiRequest = (t: Target, method: string, path: string, body?: unknown): Request => ({
  method, path, headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})

export type Slugs = { count: number; at(n: number): string; remove(): Promise<void> }

/**
 * The slugs to hit, in order of preference: a list; `count` seeded links named prefix + 7 digits
 * (the ones `bun run bench` seeds); or, with an API key, `create` links made now and deleted
 * again by remove(), so that a run leaves a deployment as it found it.
 */
export async function prepareSlugs(t: Target, o: { list: string[]; count: number; prefix: string; create: number }): Promise<Slugs> {
  const none = async () => {}
  if (o.list.length) return { count: o.list.length, at: (n) => o.list[n % o.list.length], remove: none }
  if (o.count > 0) return { count: o.count, at: (n) => o.prefix + String(1 + (n % o.count)).padStart(7, '0'), remove: none }
  if (!t.apiKey) throw new Error('give --slugs, --slug-count (seeded bench links) or --api-key (links are made for the run)')
  const made: string[] = []
  for (let i = 0; i < o.create; i++) {
    const res = await t.pool.request(apiRequest(t, 'POST', '/api/v1/links', { url: `https://example.com/load/${i}`, title: 'load bench' }))
    const body = new TextDecoder().decode(res.body)
    if (res.status !== 201) throw new Error(`creating a link failed: ${res.status} ${body}`)
    made.push(JSON.parse(body).data.slug)
  }
  return {
    count: made.length, at: (n) => made[n % made.length],
    async remove() {
      for (let i = 0; i < made.length; i += 10) {
        await t.pool.request(apiRequest(t, 'POST', '/api/v1/links/bulk-action', { shortCodes: made.slice(i, i + 10), action: 'DELETE' }))
      }
    },
  }
}

const randomSlug = (slugs: Slugs) => slugs.at(Math.floor(Math.random() * slugs.count))

/**
 * Redirects at a constant arrival rate. HEAD redirects without counting a click: GET minus HEAD
 * is what recording a click costs. Defaults are the targets on a local run; over a network add
 * the round trip. `warmSeconds` at the same rate go first, not counted: in the first second the
 * generator's own code is still being compiled and its connections opened (against a bare
 * server at 14,000/s: p99 98 ms in the first second, 2–5 ms in each one after).
 */
export async function redirects(t: Target, slugs: Slugs, o: { rate: number; seconds: number; warmSeconds?: number; method: string; p95Ms?: number; p99Ms?: number; maxFailed?: number }): Promise<Run> {
  const part = new Part('redirects')
  const schedule = { rate: o.rate, maxInFlight: Math.max(200, Math.ceil(o.rate / 20)) }
  const one = () => send(t, { method: o.method, path: `/${randomSlug(slugs)}` }, isRedirect)
  if (o.warmSeconds) await constantRate(new Part('warm-up'), { ...schedule, seconds: o.warmSeconds }, one)
  await constantRate(part, { ...schedule, seconds: o.seconds }, one)
  return { parts: [part], thresholds: [{ part: 'redirects', p95Ms: o.p95Ms ?? 1, p99Ms: o.p99Ms ?? 2, maxFailedRate: o.maxFailed ?? 0.001 }] }
}

/**
 * The API, closed model: `clients` create links as fast as the server answers, then list the
 * first page (`listSize` links, both pagination styles). `only` runs one of the two. Creates count
 * against the key's plan; every destination carries `load-api/<run>` so they are easy to find.
 */
export async function api(t: Target, o: { clients: number; seconds: number; only?: 'create' | 'list'; listSize: number; runId: string; p99Ms?: number; maxFailed?: number }): Promise<Run> {
  if (!t.apiKey) throw new Error('--api-key is required')
  const parts: Part[] = []
  const limits = { p99Ms: o.p99Ms ?? 1000, maxFailedRate: o.maxFailed ?? 0.01 }
  if (o.only !== 'list') {
    const create = new Part('create')
    parts.push(create)
    await constantClients(create, o, (client, i) =>
      send(t, apiRequest(t, 'POST', '/api/v1/links', { url: `https://example.com/load-api/${o.runId}/${client}/${i}` }), (r) => r.status === 201))
  }
  if (o.only !== 'create') {
    const list = new Part('list')
    parts.push(list)
    await constantClients(list, o, () => {
      const query = Math.random() < 0.5 ? `page=1&size=${o.listSize}` : `limit=${o.listSize}&offset=0`
      return send(t, apiRequest(t, 'GET', `/api/v1/links?${query}`), (r) => r.status === 200)
    })
  }
  return { parts, thresholds: parts.map((p) => ({ part: p.name, ...limits })) }
}

/**
 * A day-like mix at a constant arrival rate: redirects over a skewed popularity (popularity ~ u^skew:
 * with 4, the first 1% of links draw ~30% of the hits), unknown slugs (typos and enumeration,
 * answered 404 from the negative cache) and, with an API key, API reads and creates alongside.
 */
export async function mixed(t: Target, slugs: Slugs, o: { rate: number; seconds: number; skew: number; p99Ms?: number; apiP99Ms?: number }): Promise<Run> {
  const withApi = !!t.apiKey
  const share = (s: number) => Math.max(1, Math.round(o.rate * s))
  const at = (part: Part, rate: number, fn: () => Promise<boolean>) =>
    constantRate(part, { rate, seconds: o.seconds, maxInFlight: Math.max(50, Math.ceil(rate / 10)) }, fn)
  const hits = new Part('hits'), unknown = new Part('unknown'), reads = new Part('reads'), creates = new Part('creates')
  let made = 0
  await Promise.all([
    at(hits, share(withApi ? 0.9 : 0.95), () =>
      send(t, get(`/${slugs.at(Math.floor(Math.pow(Math.random(), o.skew) * slugs.count))}`), isRedirect)),
    // Random enough to defeat every cache but the negative one; never a generated slug (it has a '-').
    at(unknown, share(0.05), () => send(t, get(`/nope-${Math.floor(Math.random() * 1e9).toString(36)}`), (r) => r.status === 404)),
    ...(withApi ? [
      at(reads, share(0.03), () => Math.random() < 0.5
        ? send(t, apiRequest(t, 'GET', '/api/v1/links?limit=20'), (r) => r.status === 200)
        : send(t, apiRequest(t, 'GET', `/api/v1/links/${randomSlug(slugs)}`), (r) => r.status === 200)),
      at(creates, share(0.02), () =>
        send(t, apiRequest(t, 'POST', '/api/v1/links', { url: `https://example.com/load-mixed/${Date.now()}/${made++}` }), (r) => r.status === 201)),
    ] : []),
  ])
  const redirectLimits = { p99Ms: o.p99Ms ?? 5, maxFailedRate: 0.001 }
  const apiLimits = { p99Ms: o.apiP99Ms ?? 500, maxFailedRate: 0.01 }
  return {
    parts: withApi ? [hits, unknown, reads, creates] : [hits, unknown],
    thresholds: [
      { part: 'hits', ...redirectLimits }, { part: 'unknown', ...redirectLimits },
      ...(withApi ? [{ part: 'reads', ...apiLimits }, { part: 'creates', ...apiLimits }] : []),
    ],
  }
}

/** The limits a run broke, in words; empty when every one held. */
export function broken(run: Run): string[] {
  const out: string[] = []
  for (const th of run.thresholds) {
    const s = run.parts.find((p) => p.name === th.part)?.summary()
    if (!s) continue
    if (th.p95Ms !== undefined && !(s.p95 < th.p95Ms)) out.push(`${th.part}: p95 ${s.p95.toFixed(2)} ms, limit ${th.p95Ms} ms`)
    if (th.p99Ms !== undefined && !(s.p99 < th.p99Ms)) out.push(`${th.part}: p99 ${s.p99.toFixed(2)} ms, limit ${th.p99Ms} ms`)
    const failedRate = s.requests ? s.failed / s.requests : 0
    if (!(failedRate < th.maxFailedRate) && s.failed > 0) out.push(`${th.part}: ${s.failed} of ${s.requests} failed, limit ${th.maxFailedRate * 100}%`)
  }
  return out
}
