// `bun bench/api-create.ts [seconds] [rounds] [--bulk] [--list]`: the API's single-link create alone
// (with --bulk, also bulk creates of 1,000 links; with --list, 100,000 links seeded first, then
// lists of 100 links by 4 clients), as `bun run bench` measures it (Kurz on PostgreSQL and Redis pinned to core 0, bench/load with 16 clients on core 1, the
// bench admin's key on a plan without quota), against a database of its own, so that a change to
// the create path can be measured in a minute. Prints requests/s, p50, p99 and Kurz's own CPU per
// create of each round, and the load average (the machine may be shared: compare runs made back
// to back).
import { loadavg } from 'node:os'

// The bench libraries read the database name when they load: this script's own, unless given.
process.env.BENCH_DB ??= 'kurz_bench_api'
const { recreateDatabase } = await import('./lib/db')
const { scriptFleet, positionalArgs } = await import('./lib/script')
const { cpuSeconds } = await import('./lib/proc')
const { apiCreate, apiList, bulkCreate } = await import('./lib/measure')
const { seedLinks } = await import('./lib/db')
const { BENCH_ADMIN } = await import('./lib/dataset')

const args = positionalArgs()
const seconds = Number(args[0] ?? 10)
const rounds = Number(args[1] ?? 2)
const withBulk = process.argv.includes('--bulk')
const withList = process.argv.includes('--list')
const { fleet, cleanup } = scriptFleet('api-create', 3911)

try {
  await recreateDatabase()
  const kurz = await fleet.start()
  if (withList) await seedLinks(100_000, BENCH_ADMIN.email)
  try {
    // A short first run warms the JIT, the connection pool and the prepared statements.
    await apiCreate(kurz, BENCH_ADMIN.apiKey, 2)
    for (let i = 1; i <= rounds; i++) {
      const cpu = cpuSeconds(kurz.pid)
      const r = await apiCreate(kurz, BENCH_ADMIN.apiKey, seconds)
      const cpuPerCreate = ((cpuSeconds(kurz.pid) - cpu) / r.requests) * 1e6
      const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1))
      console.log(`round ${i}: ${Math.round(r.rps)} creates/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, ` +
        `failed ${r.failed}, ${r.requests} requests, Kurz CPU ${Math.round(cpuPerCreate)} µs a create; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
      if (withBulk) {
        const cpuB = cpuSeconds(kurz.pid)
        const b = await bulkCreate(kurz, BENCH_ADMIN.apiKey, 1000, 3)
        console.log(`  bulk of 1,000: ${b.ms.map((m) => Math.round(m)).join(', ')} ms, ${b.failed} refused, Kurz CPU ${Math.round((cpuSeconds(kurz.pid) - cpuB) * 1000 / 3)} ms a bulk`)
      }
      if (withList) {
        const cpuL = cpuSeconds(kurz.pid)
        const l = await apiList(kurz, BENCH_ADMIN.apiKey, seconds, 100, 4)
        console.log(`  list of 100 (4 clients): ${Math.round(l.rps)}/s, p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, failed ${l.failed}, ` +
          `Kurz CPU ${Math.round(((cpuSeconds(kurz.pid) - cpuL) / l.requests) * 1e6)} µs a list`)
      }
    }
  } finally {
    await kurz.stop()
  }
} finally {
  cleanup()
}
