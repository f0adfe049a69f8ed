// A fresh bench database each run, seeded in one statement, and the Postgres-side counters.
import postgres from 'postgres'
import { SEED_SQL } from './dataset'

export const ADMIN_PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const BENCH_DB = process.env.BENCH_DB ?? 'kurz_bench'

export function benchDbUrl(): string {
  const u = new URL(ADMIN_PG_URL)
  u.pathname = `/${BENCH_DB}`
  return u.toString()
}

/** Drop + create, so that no earlier run's rows, stats or bloat leak into this one. */
export async function recreateDatabase() {
  const sql = postgres(ADMIN_PG_URL, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`)
    await sql.unsafe(`CREATE DATABASE ${BENCH_DB}`)
  } finally {
    await sql.end()
  }
}

/** The app's migrations have run (Kurz started once) and bootstrap made the admin: seed links for it. */
export async function seedLinks(count: number, ownerEmail: string): Promise<number> {
  const sql = postgres(benchDbUrl(), { max: 1, onnotice: () => {} })
  try {
    const [owner] = await sql`SELECT id FROM users WHERE email = ${ownerEmail}`
    if (!owner) throw new Error(`no user ${ownerEmail}: did bootstrap run?`)
    const started = performance.now()
    await sql.unsafe(SEED_SQL, [owner.id, count])
    await sql`ANALYZE links`
    return performance.now() - started
  } finally {
    await sql.end()
  }
}

/**
 * Index scans of the (domain, slug) key: each is one redirect look-up that reached Postgres.
 * Backends report their stats when they exit, so read this with Kurz stopped.
 */
export async function slugLookups(): Promise<number> {
  const sql = postgres(benchDbUrl(), { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql`SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'links_domain_slug_key'`
    return Number(row?.idx_scan ?? 0)
  } finally {
    await sql.end()
  }
}
