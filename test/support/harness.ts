// Builds the real app against real engines for tests: PGlite always, PostgreSQL when DATABASE_URL
// is set (a fresh database per harness), Redis when REDIS_URL is set (a fresh key prefix).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { loadConfig, type Config } from '../../src/config'
import { createDeps, closeDeps, type Deps, type DepsOverrides } from '../../src/deps'
import { createApp } from '../../src/app'
import { openDatabase } from '../../src/db/client'
import { bootstrap } from '../../src/accounts/bootstrap'
import { startServer, type Running } from '../../src/server'
import { silentLogger } from '../../src/shared/log'
import { randomBase62 } from '../../src/shared/ids'
import { CountingSink } from '../../src/clicks/sink'

export type Engine = 'pglite' | 'postgres'

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI sets it). */
export const engines: Engine[] = ['pglite', ...(process.env.DATABASE_URL ? ['postgres' as const] : [])]
export const redisUrl = process.env.REDIS_URL ?? null

export const BASE_URL = 'http://kurz.test'
/** Hooks that build a harness start real engines; the machine may be busy. */
export const SETUP_TIMEOUT = 120_000

export type HarnessOptions = {
  engine?: Engine
  /** Use Redis (only when REDIS_URL is set). */
  redis?: boolean
  env?: Record<string, string>
  overrides?: DepsOverrides
  /** Share an existing Postgres database (for multi-instance tests). */
  databaseUrl?: string
  redisPrefix?: string
  /**
   * Run the real click plane on chDB under this harness's DATA_DIR. Off by default: chDB is one
   * engine per process, and most tests only need the CountingSink (deps.clicks).
   */
  clickhouse?: boolean
}

export type Harness = {
  deps: Deps
  config: Config
  app: ReturnType<typeof createApp>
  adminKey: string
  adminEmail: string
  adminPassword: string
  databaseUrl: string | null
  /** Calls the Elysia app in-process; JSON in and out. */
  api(method: string, path: string, opts?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>
  /** POST /api/v1/links as the admin; the created link's data, or a throw (a test's setup). */
  createLink(body: Record<string, unknown>): Promise<any>
  /** Starts a real HTTP server on a free port (for the redirect path). */
  listen(): Promise<Running>
  close(): Promise<void>
}

export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const engine = opts.engine ?? 'pglite'
  const dataDir = mkdtempSync(join(tmpdir(), 'kurz-test-'))
  let databaseUrl = opts.databaseUrl ?? null
  let dropDatabase: (() => Promise<void>) | null = null
  if (engine === 'postgres' && !databaseUrl) {
    const created = await createTestDatabase()
    databaseUrl = created.url
    dropDatabase = created.drop
  }
  const adminKey = `sk_live_${randomBase62(40)}`
  const adminEmail = 'admin@kurz.test'
  const adminPassword = 'admin-password-123'
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    BASE_URL,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    ADMIN_API_KEY: adminKey,
    CRON_INTERNAL: 'false',
    REDIS_PREFIX: opts.redisPrefix ?? `kurz-test-${randomBase62(8)}:`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(opts.redis && redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...opts.env,
  }
  const config = loadConfig(env)
  const database = opts.overrides?.database ?? (databaseUrl ? undefined : await openDatabase({ url: null, dir: null }))
  const clicks = opts.overrides?.clicks ?? (opts.clickhouse ? undefined : new CountingSink())
  const deps = await createDeps(config, { log: silentLogger, ...opts.overrides, clicks, ...(database ? { database } : {}) })
  await bootstrap(deps)
  const app = createApp(deps)
  const servers: Running[] = []

  const harness: Harness = {
    deps, config, app, adminKey, adminEmail, adminPassword, databaseUrl,
    async api(method, path, { body, key = adminKey, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers }
      if (key) h.authorization = `Bearer ${key}`
      if (body !== undefined) h['content-type'] ??= 'application/json'
      const res = await app.handle(new Request(`${BASE_URL}${path}`, {
        method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }))
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = text ? JSON.parse(text) : null } catch { /* not JSON: keep the text */ }
      return { status: res.status, body: parsed, headers: res.headers }
    },
    async createLink(body) {
      const r = await harness.api('POST', '/api/v1/links', { body })
      if (r.status !== 201) throw new Error(`setup: ${JSON.stringify(r.body)}`)
      return r.body.data
    },
    async listen() {
      const running = await startServer(deps, { port: 0, hostname: '127.0.0.1' })
      servers.push(running)
      return running
    },
    async close() {
      for (const s of servers) await s.stop().catch(() => {})
      await closeDeps(deps).catch(() => {})
      await dropDatabase?.()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return harness
}

export type HarnessPair = { a: Harness; b: Harness; close(): Promise<void> }

/**
 * Two instances on one PostgreSQL database and one Redis prefix, as a deployment of several runs
 * them. The first owns the database; close() stops both and drops it.
 */
export async function createHarnessPair(opts: Omit<HarnessOptions, 'engine' | 'databaseUrl' | 'redisPrefix'> = {}): Promise<HarnessPair> {
  const a = await createHarness({ ...opts, engine: 'postgres' })
  // Instances of one deployment share SECRETS_KEY: each opens the secrets the other sealed.
  const env = { SECRETS_KEY: a.config.secretsKeys.current.toString('base64'), ...opts.env }
  const b = await createHarness({ ...opts, env, engine: 'postgres', databaseUrl: a.databaseUrl!, redisPrefix: a.config.redisPrefix })
  return {
    a, b,
    async close() {
      await b.close()
      await a.close()
    },
  }
}

/** A fresh database on the DATABASE_URL server, so that test files never see each other's rows. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL
  if (!base) throw new Error('DATABASE_URL is not set')
  const name = `kurz_t_${randomBase62(10).toLowerCase()}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
      await a.end()
    },
  }
}
