// Dependencies are built once here (embedded engines or servers) and handed to createApp.
import type { Config } from './config'
import { openDatabase, pgliteDir, type Database, type Db } from './db/client'
import { connectRedis, createBus, type Bus, type RedisClients } from './shared/redis'
import { LinkCache } from './redirect/cache'
import { DomainNamespaces } from './redirect/domains'
import { DiscardingSink, type ClickSink } from './clicks/sink'
import type { ClickHouse } from './clicks/client'
import { openClickPipeline } from './clicks/pipeline'
import { createLogger, type Logger } from './shared/log'
import { CallerCache } from './auth/caller-cache'
import { RateLimiter } from './auth/rate-limit'
import { createTokens, type Tokens } from './auth/tokens'
import { KeyUsageRecorder } from './keys/usage-recorder'
import { createMailer, type Mailer } from './mail/mailer'
import { Enricher } from './clicks/enrich'
import { createCounters, type Counters } from './ops/counters'
import { lazy, type Lazy } from './shared/lazy'
import { backgroundIdle } from './accounts/background'
import { sealStoredSecrets } from './db/seal-secrets'
import { ownAddresses } from './links/own-hosts'
import { type MissLimiter, missLimiterFor } from './redirect/miss-limit'
import { KnownAddresses } from './accounts/known-addresses'


export type Deps = {
  config: Config
  database: Database
  db: Db
  redis: RedisClients | null
  bus: Bus
  linkCache: LinkCache
  /** The verified custom hostnames, each its own slug namespace; `changed()` after a verify or delete. */
  domains: DomainNamespaces
  /** The addresses this service answers on (resolved once at start), for the redirect-loop check. */
  ownAddresses: ReadonlySet<string>
  clicks: ClickSink
  /** Key → owner and owner → account, evicted on every instance over the bus. */
  callers: CallerCache
  /** The per-minute limits of the API (per IP, key and account) and of logins. */
  limiter: RateLimiter
  /** Key usage, counted in memory and written in the background (and on close). */
  keyUsage: KeyUsageRecorder
  /** The JWT signer and verifier of sessions. */
  tokens: Tokens
  /** Outgoing mail: one SMTP transport per app. */
  mailer: Mailer
  /** Describes the visitor of a single-use click; built at the first one: it opens the geo files. */
  singleUseEnricher: Lazy<Enricher>
  /** The counters /metrics shows, this app's own. */
  metrics: Counters
  /** Unknown-slug look-ups per client address; null when the limit is off. */
  missLimiter: MissLimiter | null
  /** Addresses that signed in to an account, which its login lock lets through. */
  knownAddresses: KnownAddresses
  log: Logger
  now: () => Date
  /** Set on SIGTERM: /ready answers 503 while in-flight work finishes. */
  lifecycle?: { stopping: boolean }
  /** The click store (chDB or a server); absent when tests run with their own sink. */
  clickhouse?: ClickHouse
  /** Reachability of the click store, for /ready; absent until the click pipeline is wired. */
  clickhousePing?: () => Promise<unknown>
  /** Extra Prometheus lines from the click plane. */
  clickMetrics?: () => string[]
  /** The click store's analytics side; absent until the click pipeline is wired. */
  analytics?: {
    deleteLinks(linkIds: string[]): Promise<void>
    linkBreakdown?(ownerId: string, linkId: string): Promise<{
      byCountry: { name: string; count: number }[]
      byDevice: { name: string; count: number }[]
      byReferrer: { name: string; count: number }[]
    }>
  }
}

export type DepsOverrides = Partial<Pick<Deps, 'clicks' | 'log' | 'now' | 'database'>>

export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? createLogger(config.logLevel)
  const database = overrides.database ?? await openDatabase({ url: config.databaseUrl, dir: pgliteDir(config.dataDir), poolSize: config.databasePoolSize, timeouts: config.databaseTimeouts })
  await sealStoredSecrets(database.db, config, log)
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : null
  const bus = createBus(redis, config.redisPrefix, log)
  const linkCache = new LinkCache({ ...config.cache, redisPrefix: config.redisPrefix }, redis?.command ?? null, bus)
  const domains = new DomainNamespaces({ db: database.db, bus, log })
  await domains.reload()
  // A sink given by the caller (tests) replaces the whole click plane, and CLICKS_RECORD=false
  // drops it: no ClickHouse is opened either way.
  const metrics = createCounters()
  const clickPlane = overrides.clicks || !config.clicks.record ? null : await openClickPipeline(config, database.db, log, metrics)
  return {
    config,
    database,
    db: database.db,
    redis,
    bus,
    linkCache,
    domains,
    ownAddresses: await ownAddresses(config, log),
    clicks: overrides.clicks ?? clickPlane?.sink ?? new DiscardingSink(),
    ...clickPlane?.hooks,
    callers: new CallerCache({ db: database.db, bus, config }),
    limiter: new RateLimiter(redis?.command ?? null, config.redisPrefix),
    keyUsage: new KeyUsageRecorder(database.db, log),
    tokens: createTokens(config),
    mailer: createMailer(config, log),
    singleUseEnricher: lazy(() => new Enricher(config.visitorSalt, config.geoipDb)),
    metrics,
    missLimiter: missLimiterFor(config.redirectMissLimitPerMinute),
    knownAddresses: new KnownAddresses(redis?.command ?? null, config.redisPrefix),
    log,
    now: overrides.now ?? (() => new Date()),
    lifecycle: { stopping: false },
  }
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.clicks.close()
  await deps.bus.close()
  // The key usage still in memory is written while the database is open.
  deps.keyUsage.stop()
  await deps.keyUsage.flush()
  await backgroundIdle(deps) // reset mails answered already: their tokens still need the database
  deps.mailer.close()
  await deps.database.close()
}
