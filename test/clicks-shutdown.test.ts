// SIGTERM under load: the real server as a child process stops accepting, flushes and exits, and
// every click it answered is in ClickHouse and in the counters afterwards.
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import postgres from 'postgres'
import { createTestDatabase } from './support/harness'
import { CHROME, closedPort, countClicks, waitUntilUp } from './support/clicks'
import { openChdb } from '../src/clicks/client'
import { randomBase62 } from '../src/shared/ids'

const dataDir = mkdtempSync(join(tmpdir(), 'kurz-sigterm-'))
let dropDb: (() => Promise<void>) | null = null
afterAll(async () => {
  await dropDb?.()
  rmSync(dataDir, { recursive: true, force: true })
})

test('SIGTERM under load loses no click', async () => {
  const db = process.env.DATABASE_URL ? await createTestDatabase() : null
  dropDb = db?.drop ?? null
  const port = closedPort()
  const key = `sk_live_${randomBase62(40)}`
  const child = Bun.spawn([process.execPath, resolve(import.meta.dir, '../src/main.ts')], {
    env: {
      PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}`,
      ADMIN_EMAIL: 'admin@kurz.test', ADMIN_PASSWORD: 'admin-password-123', ADMIN_API_KEY: key, CRON_INTERNAL: 'false',
      // Long enough that the clicks are still in the buffer when SIGTERM arrives.
      CLICK_FLUSH_MS: '30000', ...(db ? { DATABASE_URL: db.url } : {}),
    },
    stdout: 'pipe', stderr: 'pipe',
  })
  const base = `http://127.0.0.1:${port}`
  await waitUntilUp(base, child)
  const made = await fetch(`${base}/api/v1/links`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://example.com/', slug: 'sigterm' }),
  })
  expect(made.status).toBe(201)
  const linkId = ((await made.json()) as { data: { id: string } }).data.id

  let answered = 0
  let attempted = 0
  let stop = false
  const worker = async () => {
    while (!stop) {
      attempted++
      const r = await fetch(`${base}/sigterm`, { redirect: 'manual', headers: { 'user-agent': CHROME } }).catch(() => null)
      if (r?.status === 302) answered++
      else if (r === null) return // the server stopped accepting
    }
  }
  const load = Array.from({ length: 16 }, worker)
  while (answered < 2000) await Bun.sleep(20)
  child.kill('SIGTERM')
  await Bun.sleep(200)
  stop = true
  await Promise.all(load)
  expect(await child.exited).toBe(0)

  const ch = await openChdb(join(dataDir, 'clickhouse'))
  try {
    const stored = await countClicks(ch, `link_id = '${linkId}'`)
    // Every answered redirect was pushed before its answer; none can be missing.
    expect(stored).toBeGreaterThanOrEqual(answered)
    expect(stored).toBeLessThanOrEqual(attempted)
    if (db) {
      const sql = postgres(db.url, { max: 1 })
      const [row] = await sql`select clicks from links where id = ${linkId}`
      await sql.end()
      expect(Number(row.clicks)).toBe(stored)
    }
  } finally {
    await ch.close()
  }
}, 120_000)
