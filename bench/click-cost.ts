// `bun bench/click-cost.ts [seconds] [rounds]`: the click-cost phases of `bun run bench` alone (the
// idle stack, a small site at 50/s, and server CPU per redirect at 3,000/s, recorded), against a
// database of its own, so that a change to the click path can be compared with the commit before
// it in a few minutes, run back to back on the same machine.
import { loadavg } from 'node:os'

process.env.BENCH_DB ??= 'kurz_bench_clicks'
const { recreateDatabase, seedLinks } = await import('./lib/db')
const { scriptFleet, positionalArgs } = await import('./lib/script')
const { clicksStored, cpuPerRedirect, smallSite, stackRate } = await import('./lib/measure')
const { BENCH_ADMIN } = await import('./lib/dataset')
const { warm } = await import('./lib/warm')

const args = positionalArgs()
const seconds = Number(args[0] ?? 10)
const rounds = Number(args[1] ?? 2)
const HOT = 10_000
const { fleet, cleanup } = scriptFleet('click-cost', 3912)

const us = (n: number) => n.toFixed(1)
try {
  await recreateDatabase()
  const kurz = await fleet.start()
  await seedLinks(HOT, BENCH_ADMIN.email)
  await warm(kurz.url, HOT)
  try {
    for (let i = 1; i <= rounds; i++) {
      await clicksStored(kurz.url)
      const idle = await stackRate(kurz.pid, seconds * 1000)
      const small = await smallSite(kurz, 50, seconds, HOT)
      const cpu = await cpuPerRedirect(kurz, 3000, seconds, HOT, 2)
      console.log(`round ${i}: idle ${(idle.total * 100).toFixed(2)}% (Kurz ${(idle.kurz * 100).toFixed(2)}%, PostgreSQL ${(idle.postgres * 100).toFixed(2)}%, Redis ${(idle.redis * 100).toFixed(2)}%); ` +
        `small site ${us(small.stackUs.total)} µs a click (Kurz ${us(small.stackUs.kurz)}); ` +
        `3,000/s: ${us(cpu.stackUs.total)} µs a redirect (Kurz ${us(cpu.stackUs.kurz)}), ${cpu.requests} served, ${cpu.dropped} dropped; ` +
        `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n` +
        `  Kurz's threads at 3,000/s, µs a redirect: ${Object.entries(cpu.threadsUs).map(([name, us]) => `${name} ${us}`).join(', ')}\n` +
        `  Kurz's threads at 50/s, µs a click: ${Object.entries(small.threadsUs).map(([name, us]) => `${name} ${us}`).join(', ')}`)
    }
  } finally {
    await kurz.stop()
  }
} finally {
  cleanup()
}
