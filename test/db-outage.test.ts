// PostgreSQL lost or silent: an API request that needs it answers 503 SERVICE_UNAVAILABLE in the
// envelope within a few seconds, never hangs; and it works again once PostgreSQL is back.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, createTestDatabase, type Harness } from './support/harness'
import { TcpProxy } from './support/tcp-proxy'

const withPostgres = process.env.DATABASE_URL ? describe : describe.skip

withPostgres('PostgreSQL outage (through a proxy)', () => {
  let h: Harness
  let proxy: TcpProxy
  let dropDb: () => Promise<void>
  beforeAll(async () => {
    const db = await createTestDatabase()
    dropDb = db.drop
    const url = new URL(db.url)
    proxy = new TcpProxy({ hostname: url.hostname, port: Number(url.port || 5432) }).start()
    url.host = `127.0.0.1:${proxy.port}`
    h = await createHarness({ engine: 'postgres', databaseUrl: url.toString(), env: { DB_STATEMENT_TIMEOUT_MS: '2000', DB_CONNECT_TIMEOUT_MS: '1000' } })
  }, 120_000)
  afterAll(async () => {
    proxy.restore()
    await h.close()
    proxy.cut()
    await dropDb()
  })

  /** Sends several requests at once, as a loaded server gets them; each answer with its time. */
  async function burst(n: number) {
    return Promise.all(Array.from({ length: n }, async (_, i) => {
      const started = performance.now()
      const r = await h.api('GET', `/api/v1/links/outage-${i % 3}`)
      return { ...r, ms: performance.now() - started }
    }))
  }

  async function expectUnavailableSoon(n: number) {
    for (const r of await burst(n)) {
      expect(r.status).toBe(503)
      expect(r.body).toMatchObject({ success: false, data: null, error: { code: 'SERVICE_UNAVAILABLE' } })
      expect(r.ms).toBeLessThan(15_000)
    }
  }

  test('a request while PostgreSQL stops answering (no reset) gets a 503 envelope within a few seconds', async () => {
    await h.createLink({ url: 'https://example.com/', slug: 'outage-0' })
    proxy.stall()
    try {
      await expectUnavailableSoon(30)
    } finally {
      proxy.restore()
    }
  }, 60_000)

  test('a request while PostgreSQL refuses connections gets a 503 envelope within a few seconds', async () => {
    proxy.cut()
    try {
      await expectUnavailableSoon(30)
    } finally {
      proxy.restore()
    }
  }, 60_000)

  test('once PostgreSQL is back, requests succeed again', async () => {
    let status = 0
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await h.api('GET', '/api/v1/links/outage-0')).status
      if (status !== 200) await Bun.sleep(100)
    }
    expect(status).toBe(200)
  }, 60_000)
})
