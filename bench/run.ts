// `bun run bench [--quick]`: seeds PostgreSQL, starts Kurz (PostgreSQL, Redis, default click sink)
// and the bare Bun.serve baseline pinned to core 0, drives them from core 1 with wrk and bench/load, and
// prints one table; the figures go to bench/results/*.json as well. Every load run is bounded.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureWrk } from './lib/tools'
import { killAll } from './lib/proc'
import { KurzFleet } from './lib/kurz'
import { runPhases, type Plan } from './lib/phases'

const quick = process.argv.includes('--quick')
// Quick stays under two minutes; the full run takes longer runs, best of three saturation rounds.
const plan: Plan = quick
  ? { links: 100_000, hot: 10_000, sat: 5, rounds: 1, cpu: 5, cpuWarm: 1, cpuRate: 3000, lat: 6, path: 5, unknown: 6, unknownSlugs: 2000, api: 5, mixed: 0, small: 10, idle: 10, gaps: 4 }
  : { links: 100_000, hot: 100_000, sat: 15, rounds: 3, cpu: 15, cpuWarm: 5, cpuRate: 3000, lat: 30, path: 15, unknown: 15, unknownSlugs: 5000, api: 15, mixed: 20, small: 30, idle: 30, gaps: 6 }

const resultsDir = join(import.meta.dir, 'results')
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const logDir = join(resultsDir, `logs-${stamp}`)
mkdirSync(logDir, { recursive: true })

const fleet = new KurzFleet(Number(process.env.BENCH_PORT ?? 3900), logDir)
const cleanup = () => {
  killAll()
  fleet.cleanup()
}
process.on('SIGINT', () => { cleanup(); process.exit(130) })
process.on('SIGTERM', () => { cleanup(); process.exit(143) })

const started = performance.now()
try {
  await ensureWrk()
  const figures = await runPhases({ plan, quick, fleet, logDir })
  const seconds = Math.round((performance.now() - started) / 1000)
  const file = join(resultsDir, `bench-${quick ? 'quick' : 'full'}-${stamp}.json`)
  writeFileSync(file, JSON.stringify({ ...figures, seconds }, null, 2))
  console.log(`figures written to ${file} (${seconds} s)`)
} catch (e) {
  console.error(`bench failed: ${(e as Error).stack ?? e}\nlogs in ${logDir}`)
  process.exitCode = 1
} finally {
  cleanup()
}
