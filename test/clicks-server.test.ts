// The click plane through CLICKHOUSE_URL: the same code against a ClickHouse HTTP server (a real
// engine behind ClickHouse's HTTP interface, test/support/clickhouse-http.ts) instead of chDB
// in-process. Credentials, migrations, inserts, analytics, deletes, and an outage in between.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { CHROME, closedPort, countClicks } from './support/clicks'
import { TcpProxy } from './support/tcp-proxy'
import { openClickHouse } from '../src/clicks/client'
import type { ClickHouseSink } from '../src/clicks/sink'
import type { Running } from '../src/server'
import { eq } from 'drizzle-orm'
import { analyticsDeletions } from '../src/db/schema'
import { runAnalyticsDeletions } from '../src/jobs/analytics-deletions'

describe('click pipeline against a ClickHouse server (CLICKHOUSE_URL)', () => {
  let shim: ReturnType<typeof Bun.spawn>
  let proxy: TcpProxy
  let h: Harness
  let s: Running
  const dir = mkdtempSync(join(tmpdir(), 'kurz-chserver-'))
  const click = (slug: string, ip: string) =>
    fetch(`${s.url}/${slug}`, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': ip } })
  const linkClicks = async (slug: string) => (await h.api('GET', `/api/v1/links/${slug}`)).body.data.clicks as number

  beforeAll(async () => {
    const port = closedPort()
    shim = Bun.spawn([process.execPath, join(import.meta.dir, 'support/clickhouse-http.ts'), join(dir, 'engine'), String(port), 'kurz', 's3cret'],
      { stdout: 'pipe', stderr: 'inherit' })
    const reader = (shim.stdout as ReadableStream<Uint8Array>).getReader()
    let seen = ''
    while (!seen.includes('LISTENING')) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`ClickHouse HTTP server did not start: ${seen}`)
      seen += new TextDecoder().decode(value)
    }
    proxy = new TcpProxy({ hostname: '127.0.0.1', port }).start()
    h = await createHarness({
      clickhouse: true,
      env: { CLICKHOUSE_URL: `http://127.0.0.1:${proxy.port}`, CLICKHOUSE_USER: 'kurz', CLICKHOUSE_PASSWORD: 's3cret', CLICK_FLUSH_MS: '60000', TRUST_PROXY: 'true' },
    })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h?.close()
    proxy?.cut()
    shim?.kill()
    await shim?.exited
    rmSync(dir, { recursive: true, force: true })
  })

  test('migrations, inserts and the analytics routes go through the server', async () => {
    expect(h.deps.clickhouse!.engine).toBe('server')
    expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/srv', slug: 'srv-a' } })).status).toBe(201)
    for (const ip of ['8.8.8.8', '8.8.4.4', '81.2.69.160']) expect((await click('srv-a', ip)).status).toBe(302)
    await h.deps.clicks.flush()
    expect(await countClicks(h.deps.clickhouse!)).toBe(3)
    const overview = (await h.api('GET', '/api/v1/analytics/overview?range=7d')).body.data
    expect(overview.summary).toMatchObject({ totalClicks: 3, uniqueClicks: 3 })
    const link = (await h.api('GET', '/api/v1/links/srv-a')).body.data
    expect(link.clicks).toBe(3)
    expect(link.analytics.byCountry).toContainEqual({ name: 'US', count: 2 })
  })

  test('wrong credentials are refused by the server', async () => {
    const bad = await openClickHouse({ ...h.config, clickhouse: { ...h.config.clickhouse, password: 'wrong' } })
    try {
      await expect(bad.client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toThrow(/Authentication failed/)
    } finally {
      await bad.close()
    }
  })

  test('server unreachable for a while, then back: nothing lost, nothing counted twice', async () => {
    expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/out', slug: 'srv-out' } })).status).toBe(201)
    const sink = h.deps.clicks as ClickHouseSink
    proxy.cut()
    for (let i = 0; i < 40; i++) expect((await click('srv-out', `10.9.0.${i}`)).status).toBe(302)
    await sink.flush()
    expect(sink.stats.spilled).toBe(40)
    expect(await linkClicks('srv-out')).toBe(40) // the Postgres counters do not wait for ClickHouse
    proxy.restore()
    await Bun.sleep(600) // past the sink's first back-off
    await sink.flush()
    expect(sink.stats.replayed).toBe(40)
    expect(await countClicks(h.deps.clickhouse!)).toBe(43)
    expect(await linkClicks('srv-out')).toBe(40)
  })

  test('deleting a link deletes its events on the server', async () => {
    expect((await h.api('DELETE', '/api/v1/links/srv-out')).status).toBe(200)
    expect(await countClicks(h.deps.clickhouse!)).toBe(3)
  })

  test('a link deleted while the server is unreachable answers 200, and its events are deleted once the server is back', async () => {
    const before = await countClicks(h.deps.clickhouse!)
    expect((await h.api('GET', '/api/v1/links/srv-a')).body.data.clicks).toBe(3)
    const srvA = (await h.api('GET', '/api/v1/links/srv-a')).body.data.id as string
    proxy.cut()
    // ClickHouse down takes no instance out of the load balancer; /health and the metrics say it.
    expect((await h.api('GET', '/ready', { key: null })).status).toBe(200)
    expect((await h.api('GET', '/health', { key: null })).body.checks.clickhouse).toBe('unavailable')
    expect((await h.api('GET', '/metrics', { key: null })).body).toContain('kurz_dependency_up{dependency="clickhouse"} 0')
    expect((await h.api('DELETE', '/api/v1/links/srv-a')).status).toBe(200)
    const pending = await h.deps.db.select().from(analyticsDeletions).where(eq(analyticsDeletions.linkId, srvA))
    expect(pending).toHaveLength(1)
    expect(pending[0].attempts).toBe(1)
    expect(pending[0].nextAttemptAt.getTime()).toBeGreaterThan(Date.now())

    proxy.restore()
    expect(await countClicks(h.deps.clickhouse!)).toBe(before) // not yet: the retry is not due
    expect(await runAnalyticsDeletions(h.deps)).toEqual({ deleted: 0, failed: 0 })
    // The scheduler's next run once the back-off has passed.
    const later = { ...h.deps, now: () => new Date(Date.now() + 3_600_000) }
    expect(await runAnalyticsDeletions(later)).toEqual({ deleted: 1, failed: 0 })
    expect(await countClicks(h.deps.clickhouse!)).toBe(before - 3)
    expect(await h.deps.db.select().from(analyticsDeletions)).toHaveLength(0)
  })
})
