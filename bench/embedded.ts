// The embedded default as `npm start` runs it (PGlite, chDB, no Redis, nothing configured) in a
// fresh data directory: its RSS and CPU at idle, then its largest RSS under a redirect load.
//
//   bun bench/embedded.ts [--load-seconds N]
//
// Idle is measured after start-up has settled (30 s), over 60 s: the CPU of the whole process
// (every thread: enrichment worker, chDB's own threads) from /proc/<pid>/stat, and its RSS.
// The load is wrk on core 1 against one link (clicks recorded), RSS sampled every 250 ms; the RSS
// at idle and at its peak is split into anonymous memory and mapped files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')
const loadSeconds = Number(process.argv[process.argv.indexOf('--load-seconds') + 1]) || 20
const port = 3900 + Math.floor(Math.random() * 90)
const dataDir = mkdtempSync(join(tmpdir(), 'kurz-embedded-'))
const TICK = 100 // USER_HZ

const server = Bun.spawn(['taskset', '-c', '0', process.execPath, '--max-http-header-size=65536', join(ROOT, 'src/main.ts')], {
  cwd: dataDir,
  env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '', REDIS_URL: '', ADMIN_EMAIL: 'bench@kurz.test', ADMIN_PASSWORD: 'bench-password-1', ADMIN_API_KEY: `sk_live_${'b'.repeat(40)}` },
  stdout: 'pipe', stderr: 'pipe',
})
const stop = () => { try { server.kill('SIGTERM') } catch {} }
process.on('exit', () => { stop(); rmSync(dataDir, { recursive: true, force: true }) })

const base = `http://127.0.0.1:${port}`
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024
const cpuTicks = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

for (let i = 0; ; i++) {
  if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break
  if (i > 600) throw new Error('Kurz did not start')
  await Bun.sleep(100)
}
const link: { success?: boolean } = await fetch(`${base}/api/v1/links`, {
  method: 'POST', headers: { authorization: `Bearer sk_live_${'b'.repeat(40)}`, 'content-type': 'application/json' },
  body: JSON.stringify({ url: 'https://example.com/embedded', slug: 'embedded-bench' }),
}).then((r) => r.json() as Promise<{ success?: boolean }>)
if (!link.success) throw new Error(`could not create the link: ${JSON.stringify(link)}`)

console.error('[embedded] started; settling 30 s')
await Bun.sleep(30_000)
const idleStart = cpuTicks()
const idleRssStart = rssMb()
console.error('[embedded] idle, 60 s')
await Bun.sleep(60_000)
const idleCpu = (cpuTicks() - idleStart) / TICK / 60
const idleRss = Math.max(idleRssStart, rssMb())

console.error(`[embedded] wrk ${loadSeconds} s`)
/** What the RSS is made of, from /proc/<pid>/smaps_rollup: anonymous memory (heaps, the engine's allocations) and the rest (mapped files). */
const rssParts = () => {
  const rollup = readFileSync(`/proc/${server.pid}/smaps_rollup`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0)
  return { anonMb: Math.round(kb('Anonymous') / 1024), fileMb: Math.round((kb('Rss') - kb('Anonymous')) / 1024) }
}
let peak = rssMb()
let peakParts = rssParts()
const idleParts = peakParts
const sample = () => {
  const now = rssMb()
  if (now > peak) [peak, peakParts] = [now, rssParts()]
}
const sampler = setInterval(sample, 250)
const wrk = Bun.spawn(['taskset', '-c', '1', 'wrk', '-t1', '-c32', `-d${loadSeconds}s`, `${base}/embedded-bench`], { stdout: 'pipe' })
const wrkOut = await new Response(wrk.stdout).text()
await Bun.sleep(5000) // the last flushes and merges
clearInterval(sampler)
sample()
const rps = /Requests\/sec:\s+([\d.]+)/.exec(wrkOut)?.[1]

console.log(JSON.stringify({
  idleRssMb: Math.round(idleRss), idleCpuShareOfCore: Number((idleCpu * 100).toFixed(2)),
  idleRssParts: idleParts, peakRssUnderLoadMb: Math.round(peak), peakRssParts: peakParts, loadRps: rps ? Math.round(Number(rps)) : null, loadSeconds,
}))
stop()
process.exit(0)
