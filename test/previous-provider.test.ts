// Moving a custom domain over without downtime: a slug unknown here is asked of the domain's
// previous shortener (a local server speaking Bitly's, YOURLS's, Shlink's and Kutt's documented
// API shapes), brought over into the owner's account once, and redirected; unknown answers are
// cached; questions are bounded per domain and in time; the token is sealed at rest.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { createHarness, engines, redisUrl, type Harness } from './support/harness'
import { createUser } from './support/users'
import { startDnsServer, type DnsServer } from './support/dns-server'
import { domains, links, previousProviders } from '../src/db/schema'
import { newId } from '../src/shared/ids'
import type { Running } from '../src/server'
import { parseAnswer } from '../src/shared/http-answer'

setDefaultTimeout(60_000)

type Seen = { path: string; method: string; auth: string | null; apiKey: string | null; body: string }

/** One server for the four APIs; `known` maps a slug to its long URL; `hang` never answers. */
function startProviders(known: Record<string, string>) {
  const seen: Seen[] = []
  const server = Bun.serve({
    port: 0, hostname: '127.0.0.1',
    async fetch(req) {
      const url = new URL(req.url)
      const body = await req.text()
      seen.push({ path: url.pathname + url.search, method: req.method, auth: req.headers.get('authorization'), apiKey: req.headers.get('x-api-key'), body })
      if (url.pathname.startsWith('/hang')) return new Promise<Response>(() => {})
      if (url.pathname === '/v4/expand' && req.method === 'POST') {
        if (req.headers.get('authorization') !== 'Bearer bitly-token') return Response.json({ message: 'FORBIDDEN' }, { status: 403 })
        const slug = String(JSON.parse(body).bitlink_id).split('/').slice(1).join('/')
        return known[slug]
          ? Response.json({ link: `https://bit.ly/${slug}`, id: `bit.ly/${slug}`, long_url: known[slug], created_at: '2024-01-01T00:00:00+0000' })
          : Response.json({ message: 'NOT_FOUND', resource: 'bitlinks', description: 'The requested resource was not found' }, { status: 404 })
      }
      if (url.pathname === '/yourls-api.php') {
        const slug = url.searchParams.get('shorturl')!
        if (url.searchParams.get('signature') !== 'yourls-signature' || url.searchParams.get('action') !== 'expand') return Response.json({ message: 'Please log in' }, { status: 403 })
        return known[slug]
          ? Response.json({ keyword: slug, shorturl: `https://y.test/${slug}`, longurl: known[slug], title: 't', message: 'success', statusCode: 200 })
          : Response.json({ message: 'Error: short URL not found', errorCode: 404, statusCode: 404 }, { status: 404 })
      }
      const shlink = /^\/rest\/v3\/short-urls\/([^/]+)$/.exec(url.pathname)
      if (shlink) {
        const slug = decodeURIComponent(shlink[1])
        if (req.headers.get('x-api-key') !== 'shlink-key') return Response.json({ type: 'INVALID_API_KEY', status: 401 }, { status: 401 })
        return known[slug]
          ? Response.json({ shortCode: slug, shortUrl: `https://s.test/${slug}`, longUrl: known[slug], domain: url.searchParams.get('domain'), tags: [] })
          : Response.json({ type: 'https://shlink.io/api/error/short-url-not-found', title: 'Short URL not found', status: 404, shortCode: slug }, { status: 404, headers: { 'content-type': 'application/problem+json' } })
      }
      if (url.pathname === '/api/v2/links') {
        const slug = url.searchParams.get('search') ?? ''
        const data = Object.entries(known).filter(([k]) => k.includes(slug)).map(([k, v]) => ({ address: k, target: v, link: `https://kutt.it/${k}` }))
        return Response.json({ limit: 50, skip: 0, total: data.length, data })
      }
      return new Response('not found', { status: 404 })
    },
  })
  return { seen, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) }
}

describe.each(engines)('previous provider on %s', (engine) => {
  let h: Harness
  let s: Running
  let providers: ReturnType<typeof startProviders>
  const known = {
    'spring-sale': 'https://example.com/spring', menu: 'https://example.com/menu', jobs: 'https://example.com/jobs', docs2: 'https://example.com/docs',
  }
  beforeAll(async () => {
    providers = startProviders(known)
    h = await createHarness({
      engine, redis: !!redisUrl,
      env: { PREVIOUS_PROVIDER_ALLOW_PRIVATE: 'true', PREVIOUS_PROVIDER_LIMIT_PER_MINUTE: '3', PREVIOUS_PROVIDER_TIMEOUT_MS: '500' },
    })
    s = await h.listen()
  }, 120_000)
  afterAll(async () => {
    providers?.stop()
    await h?.close()
  })

  let seq = 0
  /** A verified custom domain of a Pro account, with its previous provider set through the API. */
  async function domainWith(provider: string, apiUrl: string, token: string) {
    const owner = await createUser(h, { plan: 'Pro' })
    const hostname = `go${++seq}-${engine}.moving.example`
    const id = newId('dom')
    await h.deps.db.insert(domains).values({ id, userId: owner.id, hostname, verificationToken: 't', isVerified: true, verifiedAt: new Date() })
    const set = await h.api('PUT', `/api/v1/domains/${id}/previous-provider`, { key: owner.key, body: { provider, apiUrl, token } })
    expect(set.status).toBe(200)
    await h.deps.domains.reload()
    return { owner, hostname, id }
  }

  const visit = (host: string, slug: string) => fetch(`${s.url}/${slug}`, { redirect: 'manual', headers: { host } })
  const asked = (fragment: string) => providers.seen.filter((r) => r.path.includes(fragment) || r.body.includes(fragment)).length

  for (const [provider, token, slug] of [
    ['bitly', 'bitly-token', 'spring-sale'], ['yourls', 'yourls-signature', 'menu'], ['shlink', 'shlink-key', 'jobs'], ['kutt', 'kutt-key', 'docs2'],
  ] as const) {
    test(`${provider}: a slug it knows is brought over into the owner's account, redirected, and never asked again`, async () => {
      const d = await domainWith(provider, providers.url, token)
      const before = asked(slug)
      const first = await visit(d.hostname, slug)
      expect(first.status).toBe(302)
      expect(first.headers.get('location')).toBe(known[slug])
      const [row] = await h.deps.db.select().from(links).where(eq(links.domain, d.hostname))
      expect(row).toMatchObject({ userId: d.owner.id, slug, originalUrl: known[slug], source: 'IMPORT' })
      expect((await visit(d.hostname, slug)).headers.get('location')).toBe(known[slug])
      expect(asked(slug) - before).toBe(1)
      if (provider === 'bitly') expect(providers.seen.at(-1)!.body).toBe(JSON.stringify({ bitlink_id: `${d.hostname}/${slug}` }))
      if (provider === 'shlink') expect(providers.seen.find((r) => r.path.startsWith(`/rest/v3/short-urls/${slug}`))!.path).toContain(`domain=${d.hostname}`)
    })
  }

  test('a slug the old service does not know is a 404, and the miss is cached: it is asked once', async () => {
    const d = await domainWith('shlink', providers.url, 'shlink-key')
    expect((await visit(d.hostname, 'never-was')).status).toBe(404)
    expect((await visit(d.hostname, 'never-was')).status).toBe(404)
    expect(asked('/never-was')).toBe(1)
    expect(await h.deps.db.select().from(links).where(eq(links.domain, d.hostname))).toEqual([])
  })

  test('questions are bounded per domain: scanning slugs reaches the old service at most the limit a minute', async () => {
    const d = await domainWith('yourls', providers.url, 'yourls-signature')
    const before = providers.seen.length
    for (let i = 0; i < 6; i++) expect((await visit(d.hostname, `scan-${engine}-${i}`)).status).toBe(404)
    expect(providers.seen.length - before).toBe(3)
  })

  test('an old service that does not answer costs the visitor the timeout, then a 404', async () => {
    const d = await domainWith('shlink', `${providers.url}/hang`, 'shlink-key')
    const started = performance.now()
    expect((await visit(d.hostname, 'slow-one')).status).toBe(404)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  test('the token is sealed at rest and never shown; another account cannot see or set the provider', async () => {
    const d = await domainWith('bitly', providers.url, 'bitly-token')
    const [row] = await h.deps.db.select().from(previousProviders).where(eq(previousProviders.domainId, d.id))
    expect(row.token).not.toContain('bitly-token')
    const shown = await h.api('GET', `/api/v1/domains/${d.id}/previous-provider`, { key: d.owner.key })
    expect(shown.body.data).toMatchObject({ provider: 'bitly', apiUrl: providers.url })
    expect(JSON.stringify(shown.body)).not.toContain('bitly-token')
    const other = await createUser(h, { plan: 'Pro' })
    expect((await h.api('GET', `/api/v1/domains/${d.id}/previous-provider`, { key: other.key })).status).toBe(404)
    expect((await h.api('PUT', `/api/v1/domains/${d.id}/previous-provider`, { key: other.key, body: { provider: 'bitly', token: 'x' } })).status).toBe(404)
    expect((await h.api('DELETE', `/api/v1/domains/${d.id}/previous-provider`, { key: d.owner.key })).status).toBe(200)
    expect((await h.api('GET', `/api/v1/domains/${d.id}/previous-provider`, { key: d.owner.key })).body.data).toBeNull()
  })

  test('bad settings are refused with the field named', async () => {
    const d = await domainWith('bitly', providers.url, 'bitly-token')
    const put = (body: unknown) => h.api('PUT', `/api/v1/domains/${d.id}/previous-provider`, { key: d.owner.key, body })
    const noUrl = await put({ provider: 'shlink', token: 'k' })
    expect(noUrl.status).toBe(400)
    expect(noUrl.body.error.field).toBe('apiUrl')
    expect((await put({ provider: 'tinyurl', token: 'k' })).body.error.field).toBe('provider')
    expect((await put({ provider: 'bitly', token: '' })).body.error.field).toBe('token')
    expect((await put({ provider: 'yourls', apiUrl: 'ftp://y.example', token: 'k' })).body.error.field).toBe('apiUrl')
  })
})

describe('previous provider on a default deployment', () => {
  let h: Harness
  let dns: DnsServer
  beforeAll(async () => {
    dns = await startDnsServer()
    h = await createHarness({ env: { DNS_SERVERS: dns.address } })
  }, 120_000)
  afterAll(async () => {
    await h?.close()
    dns?.close()
  })

  test('a provider whose name turns to an internal address after the check is never contacted', async () => {
    // Any connection at all counts: the check must come before the socket, not after TLS fails.
    let connections = 0
    const tcp = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { open(sock) { connections++; sock.end() }, data() {} } })
    try {
      const owner = await createUser(h, { plan: 'Pro' })
      const id = newId('dom')
      await h.deps.db.insert(domains).values({ id, userId: owner.id, hostname: 'go.rebind.example', verificationToken: 't', isVerified: true })
      dns.a.set('api.rebind.example', ['93.184.216.34'])
      const port = tcp.port
      const set = await h.api('PUT', `/api/v1/domains/${id}/previous-provider`, { key: owner.key, body: { provider: 'shlink', apiUrl: `https://api.rebind.example:${port}`, token: 'shlink-key' } })
      expect(set.status).toBe(200)
      await h.deps.domains.reload()
      dns.a.set('api.rebind.example', ['127.0.0.1'])
      const s = await h.listen()
      const res = await fetch(`${s.url}/rebound`, { redirect: 'manual', headers: { host: 'go.rebind.example' } })
      expect(res.status).toBe(404)
      expect(connections).toBe(0)
    } finally {
      tcp.stop(true)
    }
  })

  test('an apiUrl on a private address or over http is refused', async () => {
    const owner = await createUser(h, { plan: 'Pro' })
    const id = newId('dom')
    await h.deps.db.insert(domains).values({ id, userId: owner.id, hostname: 'go.private.example', verificationToken: 't', isVerified: true })
    for (const apiUrl of ['https://127.0.0.1:8080', 'https://10.0.0.5', 'http://s.example.com']) {
      const r = await h.api('PUT', `/api/v1/domains/${id}/previous-provider`, { key: owner.key, body: { provider: 'shlink', apiUrl, token: 'k' } })
      expect({ apiUrl, status: r.status, field: r.body.error?.field }).toEqual({ apiUrl, status: 400, field: 'apiUrl' })
    }
  })
})

describe('reading an old service\'s raw answer', () => {
  test('a chunked body is put back together, after a 100 Continue', () => {
    const raw = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{"longU\r\n10\r\nrl":"https://x"}\r\n0\r\n\r\n'
    expect(parseAnswer(Buffer.from(raw))).toEqual({ status: 200, body: '{"longUrl":"https://x"}' })
  })
  test('a Content-Length body stops at its length', () => {
    expect(parseAnswer(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}garbage'))).toEqual({ status: 404, body: '{}' })
  })
})
