// Redirect latency of the embedded default (PGlite, chDB, no Redis) while the API writes to its
// database: one client asks for a link at a fixed rate, alone and then beside clients creating
// links as fast as they are answered. The embedded PostgreSQL runs statements synchronously on
// the thread that owns it; this shows what its statements cost the redirects queued meanwhile.
//
//   bun bench/embedded-writes.ts [--seconds 10] [--rate 200] [--writers 8] [--method GET|HEAD]
//
// Kurz runs on core 0 in a fresh data directory with the bench plan (no quota, no key rate limit,
// so every create reaches the database), measured once it is quiet; both load runs are on core 1,
// the writers at a lower priority so that the measuring client is not delayed behind them on its
// own core. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runLoad } from './lib/load'
import { killAll, settle, startChild } from './lib/proc'

const { values } = parseArgs({ options: { seconds: { type: 'string' }, rate: { type: 'string' }, writers: { type: 'string' }, method: { type: 'string' } } })
const seconds = Number(values.seconds ?? 10)
const rate = Number(values.rate ?? 200)
const writers = Number(values.writers ?? 8)
// HEAD: the redirects record no click, so the figures show the database's share alone.
const method = values.method === 'HEAD' ? 'HEAD' : 'GET'

const ROOT = join(import.meta.dir, '..')
const dir = mkdtempSync(join(tmpdir(), 'kurz-embedded-writes-'))
const port = 3900 + Math.floor(Math.random() * 90)
const url = `http://127.0.0.1:${port}`
const apiKey = `sk_live_${'w'.repeat(40)}`
const SLUG = 'writes-bench'
process.on('exit', () => { killAll(); rmSync(dir, { recursive: true, force: true }) })

const kurz = await startChild('kurz', [process.execPath, join(ROOT, 'src/main.ts')], {
  NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', BASE_URL: url, DATA_DIR: join(dir, 'data'),
  DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', PLANS_FILE: join(import.meta.dir, 'plans.json'),
  ADMIN_EMAIL: 'bench@kurz.test', ADMIN_PASSWORD: 'bench-password-1', ADMIN_API_KEY: apiKey,
}, url, join(dir, 'kurz.log'))

const made = await fetch(`${url}/api/v1/links`, {
  method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ url: 'https://example.com/writes-bench', slug: SLUG }),
})
if (made.status !== 201) throw new Error(`could not create the link: ${made.status} ${await made.text()}`)
// Start-up's own work (the embedded PostgreSQL's first run and its memory handed back, chDB's
// first merges) is over before anything is measured.
await Bun.sleep(25_000)
await settle(kurz.pid)

const redirects = () => runLoad('redirects', { 'base-url': url, slugs: SLUG, rate, duration: seconds, warmup: 2, method }, seconds + 60)
const pick = (p: { p50: number; p99: number; max: number; requests: number; failed: number }) =>
  ({ p50Ms: round(p.p50), p99Ms: round(p.p99), maxMs: round(p.max), requests: p.requests, failed: p.failed })
const round = (ms: number) => Math.round(ms * 100) / 100

const alone = await redirects()
const [beside, writes] = await Promise.all([
  redirects(),
  // (started with the redirects' warm-up under way: the writes span the whole measured run)
  runLoad('api', { 'base-url': url, 'api-key': apiKey, only: 'create', clients: writers, duration: seconds + 2 }, seconds + 60, 10),
])
await kurz.stop()

const created = writes.parts.create
console.log(JSON.stringify({
  rate, seconds, writers, method,
  redirectsAlone: pick(alone.parts.redirects),
  redirectsBesideWrites: pick(beside.parts.redirects),
  creates: { perSecond: Math.round(created.rate), p99Ms: round(created.p99), failed: created.failed },
}))
process.exit(0)
