// Kurz as production runs it (PostgreSQL, Redis, the default click sink), as a pinned child.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startChild, type Child } from './proc'
import { BENCH_ADMIN } from './dataset'
import { benchDbUrl } from './db'

const ROOT = join(import.meta.dir, '..', '..')
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A cache tier switched off, or click recording off (CLICKS_RECORD=false, the discarding sink). */
export type KurzVariant = { lru?: boolean; redis?: boolean; record?: boolean }

export class KurzFleet {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'kurz-bench-'))
  readonly redisPrefix = `kurzbench:${process.pid}:${Date.now()}:`
  private n = 0

  constructor(private readonly port: number, private readonly logDir: string) {}

  env(variant: KurzVariant = {}): Record<string, string> {
    return {
      PORT: String(this.port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${this.port}`,
      DATA_DIR: this.dataDir, DATABASE_URL: benchDbUrl(),
      REDIS_URL: variant.redis === false ? '' : REDIS_URL, REDIS_PREFIX: this.redisPrefix,
      // LINK_CACHE_MAX=0 switches the in-process LRU off (every hit goes to Redis or Postgres).
      ...(variant.lru === false ? { LINK_CACHE_MAX: '0' } : {}),
      ...(variant.record === false ? { CLICKS_RECORD: 'false' } : {}),
      ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password, ADMIN_API_KEY: BENCH_ADMIN.apiKey,
      // The API bench must measure the service, not the plan's monthly link quota.
      PLANS_FILE: join(import.meta.dir, '..', 'plans.json'),
      NEGATIVE_CACHE_TTL_MS: '5000', LOG_LEVEL: 'warn', NODE_ENV: 'production',
      // Every load comes from 127.0.0.1: the per-address limit of unknown slugs would answer most
      // of the unknown-slug runs 429; off, they measure the negative cache and the look-ups.
      REDIRECT_MISS_LIMIT_PER_MINUTE: '0',
      // (an A/B of the pool's size: DB_POOL_SIZE=10 bun bench/api-create.ts)
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
    }
  }

  start(variant: KurzVariant = {}): Promise<Child> {
    const log = join(this.logDir, `kurz-${++this.n}.log`)
    return startChild('kurz', [process.execPath, ...(process.env.KURZ_CPU_PROF ? ['--cpu-prof-md', `--cpu-prof-dir=${process.env.KURZ_CPU_PROF}`] : []), join(ROOT, 'src/main.ts')], this.env(variant), `http://127.0.0.1:${this.port}`, log)
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** Prometheus counters and gauges of a running Kurz, by name. */
export async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    out[line.slice(0, space)] = Number(line.slice(space + 1))
  }
  return out
}
