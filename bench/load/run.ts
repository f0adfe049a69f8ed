// The load generator: redirects at a fixed rate, the API, or a day-like mix, against any
// deployment. Exits 0 when every limit held, 99 when one broke, 1 on bad input.
//
//   bun bench/load/run.ts redirects --base-url https://s.example.com --slugs abc1234,def5678 --rate 500 --duration 30
//   bun bench/load/run.ts api --base-url https://s.example.com --api-key sk_live_… --duration 20
//   bun bench/load/run.ts mixed --base-url https://s.example.com --api-key sk_live_… --rate 200
import { parseArgs } from 'node:util'
import { Pool } from './http'
import { api, broken, mixed, prepareSlugs, redirects, type Run, type Target } from './scenarios'

const USAGE = `usage: bun bench/load/run.ts <redirects|api|mixed> [options]
  --base-url URL        the deployment (default http://127.0.0.1:3000)
  --api-key KEY         for the API, and to make links for a run when no slugs are given
  --duration SECONDS    per part (default 30; api 20, mixed 60)
  --warmup SECONDS      redirects: first run at the rate this long, not counted (0)
  --rate N              requests a second (redirects 1000, mixed 500)
  --method GET|HEAD     redirects: HEAD answers without recording a click
  --slugs a,b,c | --slug-count N [--slug-prefix bn] | --create-links N (default 100)
  --clients N           api: clients in a closed loop (16)
  --only create|list    api: one part only
  --list-size N         api: links a page (20)
  --skew N              mixed: popularity ~ u^N (4)
  --p95-ms, --p99-ms, --api-p99-ms, --max-failed   the limits (local defaults)
  --json                one line LOAD_JSON {...} instead of the table`

function options() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' }, 'api-key': { type: 'string' }, duration: { type: 'string' }, rate: { type: 'string' },
      method: { type: 'string' }, slugs: { type: 'string' }, 'slug-count': { type: 'string' }, 'slug-prefix': { type: 'string' },
      'create-links': { type: 'string' }, clients: { type: 'string' }, only: { type: 'string' }, 'list-size': { type: 'string' },
      skew: { type: 'string' }, 'p95-ms': { type: 'string' }, 'p99-ms': { type: 'string' }, 'api-p99-ms': { type: 'string' },
      'max-failed': { type: 'string' }, 'run-id': { type: 'string' }, warmup: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' },
    },
  })
  const num = (name: keyof typeof values, fallback?: number): number | undefined => {
    const raw = values[name]
    if (raw === undefined) return fallback
    const n = Number(String(raw).replace(/s$/, ''))
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, not ${raw}`)
    return n
  }
  return { values, positionals, num }
}

async function main(): Promise<number> {
  const { values: v, positionals, num } = options()
  const scenario = positionals[0]
  if (v.help || !['redirects', 'api', 'mixed'].includes(scenario ?? '')) {
    console.error(USAGE)
    return v.help ? 0 : 1
  }
  const t: Target = { pool: new Pool(v['base-url'] ?? 'http://127.0.0.1:3000'), apiKey: v['api-key'] ?? '' }
  const limits = { p95Ms: num('p95-ms'), p99Ms: num('p99-ms'), maxFailed: num('max-failed') }
  let run: Run
  if (scenario === 'api') {
    const only = v.only === 'create' || v.only === 'list' ? v.only : undefined
    run = await api(t, { clients: num('clients', 16)!, seconds: num('duration', 20)!, only, listSize: num('list-size', 20)!,
      runId: v['run-id'] ?? String(Date.now()), ...limits })
  } else {
    const slugs = await prepareSlugs(t, {
      list: (v.slugs ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      count: num('slug-count', 0)!, prefix: v['slug-prefix'] ?? 'bn', create: num('create-links', 100)!,
    })
    try {
      run = scenario === 'redirects'
        ? await redirects(t, slugs, { rate: num('rate', 1000)!, seconds: num('duration', 30)!, warmSeconds: num('warmup', 0), method: (v.method ?? 'GET').toUpperCase(), ...limits })
        : await mixed(t, slugs, { rate: num('rate', 500)!, seconds: num('duration', 60)!, skew: num('skew', 4)!, p99Ms: limits.p99Ms, apiP99Ms: num('api-p99-ms') })
    } finally {
      await slugs.remove()
    }
  }
  const failures = broken(run)
  if (v.json) {
    const cpu = process.cpuUsage()
    console.log(`LOAD_JSON ${JSON.stringify({
      parts: Object.fromEntries(run.parts.map((p) => [p.name, p.summary()])), broken: failures, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    })}`)
  } else {
    const ms = (x: number) => x.toFixed(2).padStart(8)
    console.log('part          requests     rate/s  failed  dropped      p50      p95      p99      max  (ms)')
    for (const p of run.parts) {
      const s = p.summary()
      console.log(`${p.name.padEnd(12)} ${String(s.requests).padStart(9)} ${s.rate.toFixed(1).padStart(10)} ${String(s.failed).padStart(7)} ${String(s.dropped).padStart(8)} ${ms(s.p50)} ${ms(s.p95)} ${ms(s.p99)} ${ms(s.max)}`)
    }
    console.log(failures.length ? `limits broken:\n  ${failures.join('\n  ')}` : 'every limit held')
  }
  return failures.length ? 99 : 0
}

main().then((code) => process.exit(code), (e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
