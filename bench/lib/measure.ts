// The measurements, each against one running server; the runner decides which server and when.
import { cpuSeconds, machineBusySeconds, settle, threadCpuBetween, threadCpuSeconds, type Child, type ThreadCpu } from './proc'
import { runWrk, type WrkResult } from './wrk'
import { runLoad } from './load'
import { scrape } from './kurz'
import { minus, stackCpuSeconds, type StackCpu } from './stack'

export type Noise = { foreignCores: number }

/**
 * Cores used by other processes during a run: machine busy time minus what the server and the
 * load generator used (both pinned). Other engineers share this machine; this says how much.
 */
export async function withNoise<T>(server: Child, loadCpu: (r: T) => number, run: () => Promise<T>): Promise<T & Noise> {
  const [busy0, srv0, t0] = [machineBusySeconds(), cpuSeconds(server.pid), performance.now()]
  const r = await run()
  const wall = (performance.now() - t0) / 1000
  const foreign = machineBusySeconds() - busy0 - (cpuSeconds(server.pid) - srv0) - loadCpu(r)
  return { ...r, foreignCores: Math.max(0, foreign / wall) }
}

export type Saturation = WrkResult & Noise & {
  serverCpuCores: number; seconds: number
  /** µs per request over the run: the server's threads by name, and each process on the server's side. */
  threadsUs: Record<string, number>; stackUs: StackCpu
}

/** wrk at full speed over the warmed slugs. Also: how busy the server core was (1.0 = saturated). */
export async function saturation(server: Child, seconds: number, slugs: number, prefix = 'bn'): Promise<Saturation> {
  const cpu0 = cpuSeconds(server.pid)
  const threads0 = threadCpuSeconds(server.pid)
  const stack0 = stackCpuSeconds(server.pid)
  const t0 = performance.now()
  const r = await withNoise(server, (w: WrkResult) => w.loadCpu, () =>
    runWrk({ url: server.url, script: 'slugs.lua', seconds, env: { BENCH_SLUGS: String(slugs), BENCH_PREFIX: prefix } }))
  const elapsed = (performance.now() - t0) / 1000
  const all = cpuSeconds(server.pid) - cpu0
  const per = (x: number) => (r.requests ? (x / r.requests) * 1e6 : NaN)
  const used = minus(stackCpuSeconds(server.pid), stack0)
  return {
    ...r, seconds: elapsed, serverCpuCores: all / elapsed, threadsUs: threadsPer(server.pid, threads0, all, per),
    stackUs: { kurz: per(used.kurz), postgres: per(used.postgres), redis: per(used.redis), total: per(used.total) },
  }
}

export type CpuPerRedirect = {
  rate: number; requests: number; cpuSeconds: number; usPerRedirect: number; dropped: number; failed: number
  /** The server's CPU rate when quiet, the time it took to get quiet after the run, and whether it was quiet before it. */
  idleCores: number; drainSeconds: number; settled: boolean
  /** µs per redirect of each process on the server's side (Kurz, PostgreSQL, Redis) and their total, over the same window. */
  stackUs: StackCpu
  /**
   * µs per redirect of Kurz's threads by name, largest first, over the same window (nothing taken
   * off for idle); 'exited threads' is what threads that ended meanwhile used.
   */
  threadsUs: Record<string, number>
}

/** How long the stack's idle rates are read before a fixed-rate window. */
const IDLE_WINDOW_MS = 5000

/**
 * Server CPU per redirect at one fixed arrival rate (open model), from the server's own counters.
 * A first run at the same rate, not counted, brings the JIT to the code this load runs. Then it is
 * counted from a quiet server (that run's flushes and merges done) until it is quiet again, so
 * that the inserts and merges these redirects cause are theirs; the idle rate over that drain,
 * which the server would spend anyway, is taken off. Run it before any heavier load: the click
 * store merges what such a load inserted only when the next inserts arrive, so those merges would
 * land in this window (measured: ~70k instructions a redirect more, after a 4 s wrk run).
 */
export async function cpuPerRedirect(server: Child, rate: number, seconds: number, slugs: number, warmSeconds: number): Promise<CpuPerRedirect> {
  const run = (s: number) => runLoad('redirects', { 'base-url': server.url, rate, duration: s, 'slug-count': slugs }, s + 60)
  if (warmSeconds > 0) await run(warmSeconds)
  // (the warm-up's clicks are inserted before the window, this run's inside it: see clicksStored)
  await clicksStored(server.url)
  const before = await settle(server.pid)
  // Each process's idle rate over seconds, not settle()'s last one: CPU time moves in clock ticks
  // of 10 ms, so one tick in a 1 s window read as 1% of a core, which taken off a 10 s drain is
  // ~2 µs a redirect at 3,000/s (PostgreSQL and Redis came out below zero).
  const stackIdle = await stackRate(server.pid, IDLE_WINDOW_MS)
  const cpu0 = cpuSeconds(server.pid)
  const threads0 = threadCpuSeconds(server.pid)
  const stack0 = stackCpuSeconds(server.pid)
  const s = await run(seconds)
  const drain0 = performance.now()
  await clicksStored(server.url)
  await settle(server.pid)
  const drainSeconds = (performance.now() - drain0) / 1000
  const all = cpuSeconds(server.pid) - cpu0
  const used = all - stackIdle.kurz * drainSeconds
  const stackUsed = minus(stackCpuSeconds(server.pid), stack0)
  const { requests, dropped, failed } = s.parts.redirects
  const per = (x: number) => (requests ? (x / requests) * 1e6 : NaN)
  return {
    rate, requests, cpuSeconds: used, usPerRedirect: per(used), dropped, failed,
    threadsUs: threadsPer(server.pid, threads0, all, per),
    idleCores: stackIdle.kurz, drainSeconds, settled: before.quiet,
    // The same rule as Kurz's own figure: the drain's idle share of each process is taken off.
    stackUs: {
      kurz: per(used), postgres: per(stackUsed.postgres - stackIdle.postgres * drainSeconds),
      redis: per(stackUsed.redis - stackIdle.redis * drainSeconds),
      total: per(used + stackUsed.postgres - stackIdle.postgres * drainSeconds + stackUsed.redis - stackIdle.redis * drainSeconds),
    },
  }
}

/** Cores each part of the stack uses over `ms` of whatever is happening now (nothing, when idle). */
export async function stackRate(kurzPid: number, ms: number): Promise<StackCpu> {
  const a = stackCpuSeconds(kurzPid)
  await Bun.sleep(ms)
  const d = minus(stackCpuSeconds(kurzPid), a)
  const k = ms / 1000
  return { kurz: d.kurz / k, postgres: d.postgres / k, redis: d.redis / k, total: d.total / k }
}

/**
 * The stack at rest over `ms`: the cores each part uses, and Kurz's threads by name in µs of CPU a
 * second (what wakes up when nothing happens).
 */
export async function idleStack(kurzPid: number, ms: number) {
  const threads0 = threadCpuSeconds(kurzPid)
  const cores = await stackRate(kurzPid, ms)
  const seconds = ms / 1000
  return { cores, threadsUsPerSecond: threadsPer(kurzPid, threads0, cores.kurz * seconds, (s) => (s / seconds) * 1e6) }
}

/**
 * A small site: clicks at a low fixed rate for `seconds`, then until Kurz is quiet again (its last
 * flush included). CPU of the whole stack per recorded click, nothing taken off: at such a rate
 * the fixed cost of each flush and timer is the cost.
 */
export async function smallSite(server: Child, rate: number, seconds: number, slugs: number) {
  await settle(server.pid)
  const stack0 = stackCpuSeconds(server.pid)
  const threads0 = threadCpuSeconds(server.pid)
  const t0 = performance.now()
  const s = await runLoad('redirects', { 'base-url': server.url, rate, duration: seconds, 'slug-count': slugs }, seconds + 60)
  await clicksStored(server.url)
  await settle(server.pid)
  const used = minus(stackCpuSeconds(server.pid), stack0)
  const requests = s.parts.redirects.requests
  const per = (x: number) => (requests ? (x / requests) * 1e6 : NaN)
  return {
    rate, requests, seconds: (performance.now() - t0) / 1000,
    stackUs: { kurz: per(used.kurz), postgres: per(used.postgres), redis: per(used.redis), total: per(used.total) },
    threadsUs: threadsPer(server.pid, threads0, used.kurz, per),
  }
}

/**
 * Waits until Kurz holds no click: none waiting in its ring and none held on disk for a larger
 * insert (CLICK_HOLD_MS after the oldest), so that the insert of a phase's last clicks is charged
 * to that phase and not to the next. A server without these metrics (the baseline) returns at once.
 */
export async function clicksStored(url: string, maxMs = 120_000) {
  const deadline = performance.now() + maxMs
  for (;;) {
    const m = await scrape(url).catch(() => ({} as Record<string, number>))
    if (!(m['kurz_click_buffer_size'] > 0) && !(m['kurz_clicks_held'] > 0)) return
    if (performance.now() > deadline) throw new Error(`clicks still not stored after ${maxMs} ms`)
    await Bun.sleep(500)
  }
}

/** µs per request of the server's threads by name since `before`, largest first; 'exited threads' is the rest of `all`. */
function threadsPer(pid: number, before: Map<number, ThreadCpu>, all: number, per: (s: number) => number): Record<string, number> {
  const threads = [...threadCpuBetween(before, threadCpuSeconds(pid))]
  threads.push(['exited threads', all - threads.reduce((n, [, s]) => n + s, 0)])
  return Object.fromEntries(threads.filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]).map(([name, s]) => [name, +per(s).toFixed(1)]))
}

export type Latency = { rate: number; achievedRate: number; p50: number; p95: number; p99: number; dropped: number; failed: number; thresholdsHeld: boolean }

export async function latency(server: Child, rate: number, seconds: number, slugs: number): Promise<Latency> {
  const s = await runLoad('redirects', { 'base-url': server.url, rate, duration: seconds, warmup: 2, 'slug-count': slugs }, seconds + 60)
  const d = s.parts.redirects
  return { rate, achievedRate: d.rate, p50: d.p50, p95: d.p95, p99: d.p99, dropped: d.dropped, failed: d.failed, thresholdsHeld: s.code === 0 }
}

export type ApiCreate = { rps: number; p50: number; p99: number; failed: number; requests: number }

export async function apiCreate(server: Child, apiKey: string, seconds: number): Promise<ApiCreate> {
  const s = await runLoad('api', { 'base-url': server.url, 'api-key': apiKey, only: 'create', duration: seconds, clients: 16 }, seconds + 60)
  const d = s.parts.create
  return { rps: d.rate, p50: d.p50, p99: d.p99, failed: d.failed, requests: d.requests }
}

export type ApiList = { rps: number; p50?: number; p99?: number; failed: number; requests: number; size: number; clients: number }

/** The first page of the key's links, `size` links each with its click count, by `clients` clients in a closed loop. */
export async function apiList(server: Child, apiKey: string, seconds: number, size: number, clients: number): Promise<ApiList> {
  const s = await runLoad('api', { 'base-url': server.url, 'api-key': apiKey, only: 'list', duration: seconds, clients, 'list-size': size }, seconds + 60)
  const d = s.parts.list
  return { rps: d.rate, p50: d.p50, p99: d.p99, failed: d.failed, requests: d.requests, size, clients }
}

export type BulkCreate = { links: number; ms: number[]; failed: number }

/** `rounds` bulk creates of `n` links each, one after the other: the wall time of each answer, and the rows it refused. */
export async function bulkCreate(server: Child, apiKey: string, n: number, rounds: number): Promise<BulkCreate> {
  const ms: number[] = []
  let failed = 0
  for (let r = 0; r < rounds; r++) {
    const links = Array.from({ length: n }, (_, i) => ({ url: `https://example.com/bench-bulk/${Date.now()}/${r}/${i}` }))
    const t0 = performance.now()
    const res = await fetch(`${server.url}/api/v1/links/bulk`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ links }),
    })
    const body = await res.json() as { data?: { totalFailed?: number } }
    ms.push(performance.now() - t0)
    failed += res.ok ? Number(body.data?.totalFailed ?? n) : n
  }
  return { links: n, ms, failed }
}

/** Valid-slug answers that were not redirects, from both ends: wrk's errors and Kurz's own counter. */
export async function redirectsServed(url: string): Promise<number> {
  return (await scrape(url))['kurz_redirects_total'] ?? 0
}

/** The mixed scenario as users run it: did its limits hold, and the p99 of each part. */
export async function mixed(server: Child, apiKey: string, seconds: number, slugs: number) {
  const s = await runLoad('mixed', { 'base-url': server.url, 'api-key': apiKey, rate: 2000, duration: seconds, 'slug-count': slugs }, seconds + 60)
  const parts = Object.values(s.parts)
  return {
    thresholdsHeld: s.code === 0, broken: s.broken,
    rps: parts.reduce((n, p) => n + p.rate, 0), dropped: parts.reduce((n, p) => n + p.dropped, 0),
    p99: { hits: s.parts.hits?.p99, unknown: s.parts.unknown?.p99, reads: s.parts.reads?.p99, creates: s.parts.creates?.p99 },
  }
}
