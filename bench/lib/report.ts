// Figures → the one table, with each performance target judged from this run.
import { fmt, printTable, type Row } from './table'

/**
 * `x ≤ limit` for a figure made of whole clock ticks: CPU shares are differences and sums of
 * tick counts divided by 100, whose floating-point error puts a figure exactly at its limit just
 * above it (15 ticks in 30 s, 0.5 % of a core, sums to 0.0050000000000000712).
 */
export const atMost = (x: number, limit: number) => x <= limit * (1 + 1e-9)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const topThreads = (us: Record<string, number>) => Object.entries(us).slice(0, 5).map(([name, n]) => `${name} ${n}`).join(', ')

/* eslint-disable @typescript-eslint/no-explicit-any -- the figures are plain JSON from phases.ts */
export function report(f: Record<string, any>) {
  const satK = f.saturation.bestKurz
  const satB = f.saturation.bestBaseline
  const satRatio = satK.rps / satB.rps
  const nonRedirectSat = Math.max(0, f.saturation.wrkRequests - f.saturation.kurzRedirectsCounted)
  const cpuRatio = f.cpu ? f.cpu.kurz.usPerRedirect / f.cpu.baseline.usPerRedirect : NaN
  const redisRatio = f.redisPath.rps / satK.rps
  const u = f.unknown
  const na = 'n/a'
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`
  const pct3 = (x: number) => `${(x * 100).toFixed(2)}%`
  const lateness = (g: any) => `${g.p50} / ${g.p99} / ${g.max} ms`
  const lat = (l: any) => `${fmt.ms(l.p50)} / ${fmt.ms(l.p95)} / ${fmt.ms(l.p99)}`
  const achieved = (l: any) => `${fmt.rps(l.achievedRate)}, ${l.dropped}, ${l.failed}`
  const targets: Record<string, boolean> = {
    'saturation ≥ 0.9 × baseline': satRatio >= 0.9,
    'CPU per redirect ≤ 1.25 × baseline': cpuRatio <= 1.25,
    'p99 ≤ 2 ms at half saturation': f.latency ? f.latency.p99 <= 2 : false,
    'Redis path ≥ 0.5 × LRU path': redisRatio >= 0.5,
    'unknown slugs reach Postgres ≤ once per negative-cache period': u.postgresLookups <= u.allowedPostgresLookups,
    '1M cached links ≤ 250 MB': f.cacheRss.rssBytes <= 250e6,
    'recorded: stack CPU per redirect ≤ 1.5 × baseline': f.cpu ? f.cpu.kurz.stackUs.total / f.cpu.baseline.usPerRedirect <= 1.5 : false,
    'pinned: recorded saturation ≥ 0.5 × baseline': f.pinned ? f.pinned.recorded.rps / f.pinned.baseline.rps >= 0.5 : false,
    'loop: lateness at 10,000 clicks/s p99 ≤ 1 ms, max ≤ 5 ms': f.loopGaps?.recording ? f.loopGaps.recording.p99 <= 1 && f.loopGaps.recording.max <= 5 : false,
    'small: stack CPU per click at 50/s ≤ 150 µs': f.small ? f.small.stackUs.total <= 150 : false,
    'idle: stack ≤ 0.5 % of a core': f.idle ? atMost(f.idle.cores.total, 0.005) : false,
    'API: create ≥ 1,000/s with p99 ≤ 50 ms': f.apiCreate ? f.apiCreate.rps >= 1000 && f.apiCreate.p99 <= 50 : false,
    'API: bulk create of 1,000 links ≤ 1 s': f.apiBulk ? f.apiBulk.failed === 0 && median(f.apiBulk.ms) <= 1000 : false,
    'API: list of 100 links p99 ≤ 20 ms': f.apiList ? f.apiList.failed === 0 && f.apiList.p99 <= 20 : false,
    'zero non-3xx to valid slugs': [satK, satB, f.redisPath, f.postgresPath].every((r: any) => r.errors === 0) &&
      nonRedirectSat === 0 && (!f.latency || f.latency.failed === 0) && (!f.cpu || f.cpu.kurz.failed + f.cpu.baseline.failed === 0) &&
      f.warm.kurz.non3xx === 0,
  }
  f.targets = targets
  const mark = (name: string) => `${targets[name] ? 'PASS' : 'MISS'} (${name.split(' ').slice(1).join(' ')})`
  const rows: Row[] = [
    ['saturation, wrk keep-alive, LRU hits', fmt.rps(satK.rps), fmt.rps(satB.rps), `${fmt.x(satRatio)} ${mark('saturation ≥ 0.9 × baseline')}`],
    ['  server core / wrk CPU share during it', `${pct(satK.serverCpuCores)} / ${pct(satK.loadCpu / satK.seconds)}`,
      `${pct(satB.serverCpuCores)} / ${pct(satB.loadCpu / satB.seconds)}`, 'server < 100%: the load side was the limit'],
    ['  wrk p99', fmt.ms(satK.p99Ms), fmt.ms(satB.p99Ms), ''],
    ...(f.discarding ? [['  same, clicks discarded (CLICKS_RECORD=false)', `${fmt.rps(f.discarding.saturation.rps)} (server core ${pct(f.discarding.saturation.serverCpuCores)})`, '',
      `${fmt.x(f.discarding.saturation.rps / satB.rps)} of baseline`] as Row] : []),
    ['server CPU per redirect at fixed rate', f.cpu ? fmt.us(f.cpu.kurz.usPerRedirect) : na, f.cpu ? fmt.us(f.cpu.baseline.usPerRedirect) : na,
      f.cpu ? `${fmt.x(cpuRatio)} ${mark('CPU per redirect ≤ 1.25 × baseline')} @ ${f.cpu.kurz.rate}/s asked` : ''],
    ['  requests served in that run (dropped)', f.cpu ? `${f.cpu.kurz.requests} (${f.cpu.kurz.dropped})` : na, f.cpu ? `${f.cpu.baseline.requests} (${f.cpu.baseline.dropped})` : na,
      f.cpu && f.cpu.kurz.dropped > f.cpu.kurz.requests / 100 ? 'the load generator could not hold the rate: starved load core' : ''],
    ...(f.cpu ? [['  whole stack: Kurz + PostgreSQL + Redis', `${fmt.us(f.cpu.kurz.stackUs.total)} (${fmt.us(f.cpu.kurz.stackUs.kurz)} + ${fmt.us(f.cpu.kurz.stackUs.postgres)} + ${fmt.us(f.cpu.kurz.stackUs.redis)})`,
      fmt.us(f.cpu.baseline.usPerRedirect), `${fmt.x(f.cpu.kurz.stackUs.total / f.cpu.baseline.usPerRedirect)} ${mark('recorded: stack CPU per redirect ≤ 1.5 × baseline')}`] as Row] : []),
    ['latency at half saturation p50 / p95 / p99', f.latency ? lat(f.latency) : na, f.latencyBaseline ? lat(f.latencyBaseline) : '',
      f.latency ? `${mark('p99 ≤ 2 ms at half saturation')} @ ${f.latency.rate}/s` +
        (f.latencyBaseline?.p99 > 2 ? '; the baseline misses it too: the load core is the limit' : '') : ''],
    ...(f.discarding ? [
      ['  same run, clicks discarded: p50 / p95 / p99', lat(f.discarding.latency), '',
        `recording and flushing add ${fmt.ms(f.latency.p99 - f.discarding.latency.p99)} to p99`],
      ['  CPU per redirect, clicks discarded', fmt.us(f.discarding.cpu.usPerRedirect), '',
        `recording, enriching and inserting: ${fmt.us(f.cpu.kurz.usPerRedirect - f.discarding.cpu.usPerRedirect)} a click`],
    ] as Row[] : []),
    ['  achieved rate, dropped iterations, failed', f.latency ? achieved(f.latency) : na, f.latencyBaseline ? achieved(f.latencyBaseline) : '',
      f.latency && f.latency.dropped > f.latency.achievedRate ? 'rate not held: latency includes queueing in the load generator' : ''],
    ...(f.pinned ? [
      ['saturation, PostgreSQL and Redis pinned to the server core too', fmt.rps(f.pinned.recorded.rps), fmt.rps(f.pinned.baseline.rps),
        `${fmt.x(f.pinned.recorded.rps / f.pinned.baseline.rps)} ${mark('pinned: recorded saturation ≥ 0.5 × baseline')}`],
      ['  same, clicks discarded', fmt.rps(f.pinned.discarded.rps), '', `${fmt.x(f.pinned.discarded.rps / f.pinned.baseline.rps)} of baseline`],
      ...(f.pinned.recorded.stackUs ? [['  the core, µs a redirect: PostgreSQL, Redis; Kurz\'s largest threads (recorded)',
        `${fmt.us(f.pinned.recorded.stackUs.postgres)}, ${fmt.us(f.pinned.recorded.stackUs.redis)}; ${topThreads(f.pinned.recorded.threadsUs)}`,
        fmt.us(f.pinned.baseline.stackUs.total), `discarded: ${topThreads(f.pinned.discarded.threadsUs)}`] as Row] : []),
    ] as Row[] : []),
    ...(f.small ? [['small site: stack CPU per click at 50/s', `${fmt.us(f.small.stackUs.total)} (Kurz ${fmt.us(f.small.stackUs.kurz)}, PostgreSQL ${fmt.us(f.small.stackUs.postgres)}, Redis ${fmt.us(f.small.stackUs.redis)})`,
      f.smallBaseline ? `${fmt.us(f.smallBaseline.stackUs.total)} (server ${fmt.us(f.smallBaseline.stackUs.kurz)})` : '',
      `${f.small.requests} clicks ${mark('small: stack CPU per click at 50/s ≤ 150 µs')}`] as Row] : []),
    ...(f.idle ? [['idle stack, no traffic (share of a core)', `${pct3(f.idle.cores.total)} (Kurz ${pct3(f.idle.cores.kurz)}, PostgreSQL ${pct3(f.idle.cores.postgres)}, Redis ${pct3(f.idle.cores.redis)})`, '',
      `${f.idle.seconds} s ${mark('idle: stack ≤ 0.5 % of a core')}`] as Row] : []),
    ...(f.idle?.threadsUsPerSecond ? [['  Kurz\'s threads at rest, µs of CPU a second', topThreads(f.idle.threadsUsPerSecond), '', ''] as Row] : []),
    ...(f.loopGaps?.recording ? [
      ['loop lateness at 10,000 clicks/s p50 / p99 / max', lateness(f.loopGaps.recording), f.loopGaps.bare ? lateness(f.loopGaps.bare) : '',
        `${mark('loop: lateness at 10,000 clicks/s p99 ≤ 1 ms, max ≤ 5 ms')}; baseline column: the timer alone` +
          (f.loopGaps.bare?.max > 5 ? ' (which misses the max by itself: the machine\'s floor)' : '')],
      ['  same, clicks discarded', lateness(f.loopGaps.discarding), '', ''],
    ] as Row[] : []),
    ['Redis path (LRU off): rps, p99', `${fmt.rps(f.redisPath.rps)}, ${fmt.ms(f.redisPath.p99Ms)}`, '', `${fmt.x(redisRatio)} of LRU ${mark('Redis path ≥ 0.5 × LRU path')}`],
    ['Postgres path (LRU, Redis off): rps, p99', `${fmt.rps(f.postgresPath.rps)}, ${fmt.ms(f.postgresPath.p99Ms)}`, '', `${fmt.x(f.postgresPath.rps / satK.rps)} of LRU`],
    ['unknown slugs (404): rps', fmt.rps(u.rps), '', `${u.slugs} slugs, ${u.notFound} answered 404`],
    ['  look-ups that reached Postgres', String(u.postgresLookups), '', `≤ ${u.allowedPostgresLookups} allowed: ${targets[Object.keys(targets)[4]] ? 'PASS' : 'MISS'}`],
    ['API create (16 clients): rps, p99', f.apiCreate ? `${fmt.rps(f.apiCreate.rps)}, ${fmt.ms(f.apiCreate.p99)}` : na, '',
      f.apiCreate ? `${f.apiCreate.failed} failed ${mark('API: create ≥ 1,000/s with p99 ≤ 50 ms')}` : ''],
    ...(f.apiBulk ? [['API bulk create of 1,000 links: median (each)', `${fmt.ms(median(f.apiBulk.ms))} (${f.apiBulk.ms.map((m: number) => Math.round(m)).join(', ')} ms)`, '',
      `${f.apiBulk.failed} rows refused ${mark('API: bulk create of 1,000 links ≤ 1 s')}`] as Row] : []),
    ...(f.apiList ? [[`API list of ${f.apiList.size} links (${f.apiList.clients} clients): rps, p99`, `${fmt.rps(f.apiList.rps)}, ${fmt.ms(f.apiList.p99)}`, '',
      `${f.apiList.failed} failed ${mark('API: list of 100 links p99 ≤ 20 ms')}`] as Row] : []),
    ...(f.mixed ? [['mixed load @ 2,000/s: p99 hits / 404 / reads / creates',
      ['hits', 'unknown', 'reads', 'creates'].map((k) => fmt.ms(f.mixed.p99[k] ?? NaN)).join(' / '), '',
      `limits ${f.mixed.thresholdsHeld ? 'held' : 'broken'}, ${f.mixed.dropped} dropped`] as Row] : []),
    ['RSS of 1,000,000 cached links', fmt.mb(f.cacheRss.rssBytes), '', mark('1M cached links ≤ 250 MB')],
    ['non-3xx answers to valid slugs', String(nonRedirectSat + [satK, f.redisPath, f.postgresPath].reduce((a: number, r: any) => a + r.errors, 0)),
      String(satB.errors), mark('zero non-3xx to valid slugs')],
  ]
  const foreign = [satK, satB, f.redisPath, f.postgresPath].map((r: any) => r.foreignCores)
  printTable(
    `Kurz bench (${f.mode}) · click sink: ${f.sink} · ${f.machine.cpus} cores ${f.machine.model} · Bun ${f.machine.bun}\n` +
      `noise: other processes used ${Math.min(...foreign).toFixed(2)}–${Math.max(...foreign).toFixed(2)} cores during the wrk runs; ` +
      `load average ${f.machine.loadavgBefore.map((x: number) => x.toFixed(2)).join(' ')} before`,
    rows,
  )
}
