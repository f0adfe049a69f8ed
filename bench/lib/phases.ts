// The order of the run: Kurz with every tier, then LRU off, then Redis off too, then unknown slugs
// on a fresh instance (so Postgres's own counters can be read with it stopped), then memory.
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { cpus, loadavg } from 'node:os'
import { rssBytes, settle, startChild, pinned, type Child } from './proc'
import { recreateDatabase, seedLinks, slugLookups } from './db'
import { scrape, type KurzFleet } from './kurz'
import { BENCH_ADMIN } from './dataset'
import { warm } from './warm'
import { runWrk } from './wrk'
import { apiCreate, apiList, bulkCreate, clicksStored, cpuPerRedirect, idleStack, latency, mixed, redirectsServed, saturation, smallSite, type Saturation } from './measure'
import { pinStack } from './stack'
import { report } from './report'

export type Plan = {
  links: number; hot: number; sat: number; rounds: number; cpu: number; cpuWarm: number; cpuRate: number; lat: number
  path: number; unknown: number; unknownSlugs: number; api: number; mixed: number
  /** Seconds of the 50/s small-site run, of the idle reading, and of the loop-gaps script. */
  small: number; idle: number; gaps: number
}

const ROOT = join(import.meta.dir, '..', '..')
const t0 = performance.now()
const say = (s: string) => console.log(`[bench ${Math.round((performance.now() - t0) / 1000)} s] ${s}`)

export async function runPhases(o: { plan: Plan; quick: boolean; fleet: KurzFleet; logDir: string }) {
  const { plan, fleet } = o
  const f: Record<string, unknown> = {
    mode: o.quick ? 'quick' : 'full', at: new Date().toISOString(), plan,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgBefore: loadavg(), bun: Bun.version },
  }

  say('fresh database, migrations (first Kurz start), seed')
  await recreateDatabase()
  let kurz = await fleet.start()
  f.seedMs = Math.round(await seedLinks(plan.links, BENCH_ADMIN.email))
  f.sink = await sinkName(fleet)
  const base = await startChild('baseline', [process.execPath, join(ROOT, 'bench/baseline.ts')],
    { PORT: String(Number(fleet.env().PORT) + 1), BENCH_LINKS: String(plan.links) }, `http://127.0.0.1:${Number(fleet.env().PORT) + 1}`,
    join(o.logDir, 'baseline.log'))

  say(`warming ${plan.hot} slugs (LRU and Redis)`)
  const warmK = await warm(kurz.url, plan.hot)
  const warmB = await warm(base.url, plan.hot)
  f.warm = { kurz: warmK, baseline: warmB }
  f.kurzRssWarm = rssBytes(kurz.pid)

  // CPU per redirect first: before wrk's load leaves the click store merges to do (see cpuPerRedirect).
  say(`CPU per redirect at ${plan.cpuRate}/s, ${plan.cpu} s each`)
  f.cpu = { kurz: await cpuPerRedirect(kurz, plan.cpuRate, plan.cpu, plan.hot, plan.cpuWarm), baseline: await cpuPerRedirect(base, plan.cpuRate, plan.cpu, plan.hot, plan.cpuWarm) }
  // A small site's costs, also before any heavy load: the idle stack, then 50 clicks a second.
  say(`idle stack for ${plan.idle} s, then 50 redirects/s for ${plan.small} s`)
  await clicksStored(kurz.url)
  await settle(kurz.pid)
  f.idle = { seconds: plan.idle, ...(await idleStack(kurz.pid, plan.idle * 1000)) }
  f.small = await smallSite(kurz, 50, plan.small, plan.hot)
  // The same 50/s against the bare baseline, with the same idle PostgreSQL and Redis counted: the floor of this figure.
  f.smallBaseline = await smallSite(base, 50, plan.small, plan.hot)

  say(`saturation, ${plan.rounds} × ${plan.sat} s each, interleaved`)
  const satK: Saturation[] = []
  const satB: Saturation[] = []
  const served0 = await redirectsServed(kurz.url)
  for (let i = 0; i < plan.rounds; i++) {
    satK.push(await saturation(kurz, plan.sat, plan.hot))
    satB.push(await saturation(base, plan.sat, plan.hot))
  }
  const servedSat = (await redirectsServed(kurz.url)) - served0
  const best = (xs: Saturation[]) => xs.reduce((a, b) => (b.rps > a.rps ? b : a))
  f.saturation = { kurz: satK, baseline: satB, bestKurz: best(satK), bestBaseline: best(satB),
    kurzRedirectsCounted: servedSat, wrkRequests: satK.reduce((a, r) => a + r.requests, 0) }

  const half = Math.round(best(satK).rps / 2)
  say(`latency at half of Kurz's saturation (${half}/s), ${plan.lat} s`)
  f.latency = await latency(kurz, half, plan.lat, plan.hot)
  // The same run against the bare baseline: the floor that the load generator on one core sets at this rate.
  f.latencyBaseline = await latency(base, half, plan.lat, plan.hot)
  say(`API creates, ${plan.api} s, after 2 s not counted`)
  // (as CPU per redirect does: the first creates compile the create path, and are not its speed)
  await apiCreate(kurz, BENCH_ADMIN.apiKey, 2)
  f.apiCreate = await apiCreate(kurz, BENCH_ADMIN.apiKey, plan.api)
  say(`API bulk create of 1,000 links × 3, then lists of 100 links (account of ${plan.links} links), ${plan.api} s`)
  f.apiBulk = await bulkCreate(kurz, BENCH_ADMIN.apiKey, 1000, 3)
  f.apiList = await apiList(kurz, BENCH_ADMIN.apiKey, plan.api, 100, 4)
  if (plan.mixed) {
    say(`mixed load at 2,000/s, ${plan.mixed} s`)
    f.mixed = await mixed(kurz, BENCH_ADMIN.apiKey, plan.mixed, plan.hot)
  }
  // What the click plane did meanwhile (kurz_click_* lines exist once a real sink is wired).
  f.clickMetrics = Object.fromEntries(Object.entries(await scrape(kurz.url)).filter(([k]) => k.startsWith('kurz_click')))
  await base.stop()
  await kurz.stop()

  // The same runs with the sink discarding clicks: what recording and flushing cost.
  say('CPU per redirect, saturation and latency again, clicks discarded (CLICKS_RECORD=false)')
  kurz = await fleet.start({ record: false })
  await warm(kurz.url, plan.hot)
  const cpu = await cpuPerRedirect(kurz, plan.cpuRate, plan.cpu, plan.hot, plan.cpuWarm)
  f.discarding = { cpu, saturation: await saturation(kurz, plan.sat, plan.hot), latency: await latency(kurz, half, plan.lat, plan.hot) }
  await kurz.stop()

  say(`saturation with PostgreSQL and Redis pinned to the server's core too, ${plan.sat} s each`)
  f.pinned = await pinnedSaturation(fleet, plan, o.logDir)

  say(`Redis path (LRU off), ${plan.path} s`)
  f.redisPath = await tierRun(fleet, { lru: false }, plan)
  say(`Postgres path (LRU and Redis off), ${plan.path} s`)
  f.postgresPath = await tierRun(fleet, { lru: false, redis: false }, plan)

  say(`unknown slugs (${plan.unknownSlugs} distinct), ${plan.unknown} s`)
  const scans0 = await slugLookups()
  kurz = await fleet.start()
  const m0 = await scrape(kurz.url)
  const u = await saturation(kurz, plan.unknown, plan.unknownSlugs, 'zz')
  const m1 = await scrape(kurz.url)
  await kurz.stop()
  const negativeTtlMs = 5000
  f.unknown = {
    ...u, negativeTtlMs, slugs: plan.unknownSlugs,
    slowPath: m1.kurz_redirect_cache_miss_total - m0.kurz_redirect_cache_miss_total,
    notFound: m1.kurz_redirect_not_found_total - m0.kurz_redirect_not_found_total,
    postgresLookups: (await slugLookups()) - scans0,
    // Each unknown slug may reach Postgres once per negative-cache period the run touches.
    allowedPostgresLookups: plan.unknownSlugs * (Math.floor((plan.unknown * 1000) / negativeTtlMs) + 1),
  }

  say(`event-loop lateness at 10,000 clicks/s, ${plan.gaps} s each: the timer alone, clicks discarded, clicks recorded`)
  f.loopGaps = await loopGaps(plan.gaps)

  say('memory of 1,000,000 cached links')
  f.cacheRss = await cacheRss()
  f.machine = { ...(f.machine as object), loadavgAfter: loadavg() }
  report(f)
  return f
}

/** One Kurz with a cache tier switched off: wrk saturation over the hot slugs (already in Redis). */
async function tierRun(fleet: KurzFleet, variant: { lru: boolean; redis?: boolean }, plan: Plan) {
  const kurz = await fleet.start(variant)
  try {
    const served0 = await redirectsServed(kurz.url)
    const r = await saturation(kurz, plan.path, plan.hot)
    return { ...r, redirectsCounted: (await redirectsServed(kurz.url)) - served0 }
  } finally {
    await kurz.stop()
  }
}

/**
 * Every process of the stack on core 0, as the peers were measured: Kurz recording clicks, Kurz
 * discarding them, and the baseline, one wrk run each. The pins are undone even when a run fails.
 */
async function pinnedSaturation(fleet: KurzFleet, plan: Plan, logDir: string) {
  const unpin = pinStack(0)
  process.once('exit', unpin)
  try {
    const run = async (record: boolean) => {
      const kurz = await fleet.start({ record })
      try {
        await warm(kurz.url, plan.hot)
        return await saturation(kurz, plan.sat, plan.hot)
      } finally {
        await kurz.stop()
      }
    }
    const recorded = await run(true)
    const discarded = await run(false)
    const port = Number(fleet.env().PORT) + 1
    const base = await startChild('baseline', [process.execPath, join(ROOT, 'bench/baseline.ts')],
      { PORT: String(port), BENCH_LINKS: String(plan.links) }, `http://127.0.0.1:${port}`, join(logDir, 'baseline-pinned.log'))
    try {
      await warm(base.url, plan.hot)
      return { recorded, discarded, baseline: await saturation(base, plan.sat, plan.hot) }
    } finally {
      await base.stop()
    }
  } finally {
    unpin()
  }
}

/** bench/clicks/loop-gaps.ts in a process of its own on the server's core: its JSON line. */
async function loopGaps(seconds: number): Promise<{ bare: Lateness; discarding: Lateness; recording: Lateness } | { error: string }> {
  const p = Bun.spawn(pinned(0, [process.execPath, join(ROOT, 'bench/clicks/loop-gaps.ts'), '10000', String(seconds)]), { stdout: 'pipe', stderr: 'pipe' })
  const guard = setTimeout(() => p.kill('SIGKILL'), (seconds * 2 + 120) * 1000)
  const [text, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()])
  clearTimeout(guard)
  try {
    return JSON.parse(text.trim().split('\n').pop() ?? '')
  } catch {
    return { error: `loop-gaps gave no figures: ${err.slice(-500)}` }
  }
}
type Lateness = { p50: number; p99: number; p999: number; max: number; samples: number }

async function sinkName(fleet: KurzFleet): Promise<string> {
  // Its own DATA_DIR: an embedded click store (chDB) is locked by the running Kurz.
  const dataDir = mkdtempSync(join(tmpdir(), 'kurz-sink-'))
  const p = Bun.spawn([process.execPath, join(ROOT, 'bench/sink-name.ts')], {
    env: { ...process.env, ...fleet.env(), DATA_DIR: dataDir, LOG_LEVEL: 'error' } as Record<string, string>, stdout: 'pipe', stderr: 'pipe',
  })
  const guard = setTimeout(() => p.kill('SIGKILL'), 30_000)
  const text = await new Response(p.stdout).text()
  clearTimeout(guard)
  rmSync(dataDir, { recursive: true, force: true })
  return /SINK (\S+)/.exec(text)?.[1] ?? 'unknown'
}

async function cacheRss(): Promise<Record<string, number>> {
  const p = Bun.spawn(pinned(0, [process.execPath, join(ROOT, 'bench/cache-rss.ts')]), { stdout: 'pipe', stderr: 'pipe' })
  const guard = setTimeout(() => p.kill('SIGKILL'), 60_000)
  const [text, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()])
  clearTimeout(guard)
  const line = text.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(line)
  } catch {
    throw new Error(`cache-rss gave no figures:\n${text}\n${err}`)
  }
}
