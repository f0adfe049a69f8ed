// The only reader of the environment. Everything else receives a Config.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { DEFAULT_PLANS, parsePlans, type Plan } from './plans/table'
import type { TrustProxy } from './shared/request'

export type Config = Readonly<{
  port: number
  host: string
  baseUrl: string
  /** Hostname of the default short domain, lower case, no port. */
  shortHost: string
  dataDir: string
  databaseUrl: string | null
  /** Bounds on PostgreSQL's statements and connection attempts (PGlite needs none). */
  databaseTimeouts: { statementMs: number; connectMs: number }
  /** PostgreSQL connections of this instance (queries past them are pipelined on the busy ones). */
  databasePoolSize: number
  redisUrl: string | null
  redisPrefix: string
  clickhouse: {
    url: string | null
    user: string | null
    password: string | null
    database: string
    cluster: string | null
    ttlDays: number | null
  }
  clicks: { record: boolean; flushMs: number; batchMax: number; bufferMax: number; holdMs: number }
  /** MaxMind-format files, looked up in this order; null: the bundled country database. */
  geoipDb: readonly string[] | null
  jwt: { secret: string; expiresIn: string; issuer: string; audience: string }
  visitorSalt: string
  cronSecret: string
  cronInternal: boolean
  redirectStatus: 301 | 302 | 307 | 308
  cache: {
    lruMax: number
    lruTtlMs: number
    negativeTtlMs: number
    redisTtlSeconds: number
    /** Local TTL of links and callers while Redis is configured but unreachable (invalidations are lost). */
    degradedTtlMs: number
  }
  admin: { email: string | null; password: string | null; apiKey: string | null }
  plans: readonly Plan[]
  /** Bounds on a request before any handler reads it. */
  requests: { maxBodyBytes: number; maxBulkBodyBytes: number; maxJsonDepth: number; maxHeaderBytes: number }
  urlBlocklist: readonly string[]
  /** Resolvers for custom-domain verification (ip or ip:port); empty: the system's. */
  dnsServers: readonly string[]
  /** The proxies trusted to append the client's address to X-Forwarded-For; null: none. */
  trustProxy: TrustProxy
  /** Redirect look-ups of unknown slugs per client address and minute, per instance; 0: unlimited. */
  redirectMissLimitPerMinute: number
  webhooks: {
    /** Also deliver to http:// URLs and to private, loopback and link-local addresses (tests, intranets). */
    allowPrivate: boolean
    timeoutMs: number
    /** How often an instance looks for new events and due deliveries. */
    pollMs: number
  }
  /** Asking a custom domain's previous shortener for slugs Kurz does not know (migration). */
  previousProvider: {
    /** Also ask http:// URLs and private, loopback and link-local addresses (tests, intranets). */
    allowPrivate: boolean
    timeoutMs: number
    /** Questions per domain and minute, on every instance together: enumeration is not bounced onto the old service. */
    limitPerMinute: number
  }
  smtpUrl: string | null
  mailFrom: string
  /** Requests per hour that the unauthenticated account routes accept (argon2 and mail cost). */
  accountLimits: { registerPerIp: number; forgotPerEmail: number; forgotPerIp: number }
  /** Write a mail's text (with its tokens) to the log when there is no SMTP; off in production. */
  mailLogContent: boolean
  /**
   * AES-256-GCM keys for secrets at rest (webhook signing secrets, TOTP secrets): `current` seals,
   * every one opens. `previous` lets a rotated key's rows be read until they are sealed again.
   */
  secretsKeys: { current: Buffer; previous: readonly Buffer[] }
  /** A TOTP secret set up but not enabled within this time is dropped. */
  totpSetupTtlSeconds: number
  logLevel: 'debug' | 'info' | 'warn' | 'error'
}>

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

export const API_KEY_PATTERN = /^sk_live_[A-Za-z0-9]{32,}$/

/**
 * PostgreSQL connections per instance, by default. Few on purpose: the client pipelines the queries
 * that find every connection busy, so that many go out in one write and come back in one read, and
 * on this project's two-core machine a socket write costs tens of µs of kernel time. Link creates
 * from 16 clients ran 1.5–2× as fast on 2 connections as on 10 (bench/api-create.ts, back to back).
 * More suit a PostgreSQL with many cores and long queries (DB_POOL_SIZE).
 */
export const DEFAULT_DB_POOL_SIZE = 2

/** Reads and validates the environment once; throws ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = reader(env)
  const port = read.int('PORT', 3000, 0, 65535)
  const dataDir = resolve(read.str('DATA_DIR', './data'))
  const baseUrl = read.url('BASE_URL', `http://localhost:${port || 3000}`).replace(/\/+$/, '')
  const adminApiKey = read.optional('ADMIN_API_KEY')
  if (adminApiKey && !API_KEY_PATTERN.test(adminApiKey))
    throw new ConfigError('ADMIN_API_KEY must look like sk_live_ followed by at least 32 letters or digits')
  const redirectStatus = read.int('REDIRECT_STATUS', 302, 301, 308)
  if (![301, 302, 307, 308].includes(redirectStatus))
    throw new ConfigError('REDIRECT_STATUS must be one of 301, 302, 307, 308')
  const secrets = persistentSecrets(dataDir, env)
  const plans = read.optional('PLANS_FILE') ? readPlansFile(read.str('PLANS_FILE', '')) : DEFAULT_PLANS

  return Object.freeze({
    port,
    host: read.str('HOST', '0.0.0.0'),
    baseUrl,
    shortHost: new URL(baseUrl).hostname.toLowerCase(),
    dataDir,
    databaseUrl: read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseTimeouts: {
      statementMs: read.int('DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
      connectMs: read.int('DB_CONNECT_TIMEOUT_MS', 3000, 100, 600_000),
    },
    databasePoolSize: read.int('DB_POOL_SIZE', DEFAULT_DB_POOL_SIZE, 1, 1000),
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: read.str('REDIS_PREFIX', 'kurz:'),
    clickhouse: {
      url: read.optionalUrl('CLICKHOUSE_URL', ['http:', 'https:']),
      user: read.optional('CLICKHOUSE_USER'),
      password: read.optional('CLICKHOUSE_PASSWORD'),
      database: read.str('CLICKHOUSE_DATABASE', 'default'),
      cluster: read.optional('CLICKHOUSE_CLUSTER'),
      ttlDays: read.optional('CLICKS_TTL_DAYS') ? read.int('CLICKS_TTL_DAYS', 0, 1, 100_000) : null,
    },
    clicks: {
      record: read.bool('CLICKS_RECORD', true),
      flushMs: read.int('CLICK_FLUSH_MS', 3000, 10, 600_000),
      holdMs: read.int('CLICK_HOLD_MS', 30_000, 0, 600_000),
      batchMax: read.int('CLICK_BATCH_MAX', 50_000, 1, 10_000_000),
      bufferMax: read.int('CLICK_BUFFER_MAX', 500_000, 1, 100_000_000),
    },
    geoipDb: geoipFiles(read.optional('GEOIP_DB')),
    jwt: {
      secret: secrets.JWT_SECRET,
      expiresIn: read.str('JWT_EXPIRES_IN', '7d'),
      issuer: read.str('JWT_ISSUER', 'kurz'),
      audience: read.str('JWT_AUDIENCE', 'kurz-api'),
    },
    visitorSalt: secrets.VISITOR_SALT,
    cronSecret: secrets.CRON_SECRET,
    cronInternal: read.bool('CRON_INTERNAL', true),
    redirectStatus: redirectStatus as 301 | 302 | 307 | 308,
    cache: {
      lruMax: read.int('LINK_CACHE_MAX', 1_000_000, 0, 100_000_000),
      lruTtlMs: read.int('LINK_CACHE_TTL_MS', 3_600_000, 1000, 86_400_000 * 30),
      negativeTtlMs: read.int('NEGATIVE_CACHE_TTL_MS', 5000, 0, 3_600_000),
      redisTtlSeconds: read.int('REDIS_LINK_TTL_SECONDS', 86_400, 1, 86_400 * 365),
      degradedTtlMs: read.int('DEGRADED_CACHE_TTL_MS', 3000, 100, 60_000),
    },
    admin: {
      email: read.optional('ADMIN_EMAIL')?.toLowerCase() ?? null,
      password: read.optional('ADMIN_PASSWORD'),
      apiKey: adminApiKey,
    },
    plans,
    requests: {
      // Any body but a bulk create: the largest legitimate one (1,000 slugs for a bulk action, a
      // link with its longest URL and payload) is under 100 KB.
      maxBodyBytes: read.int('MAX_BODY_BYTES', 256 * 1024, 1024, 1024 * 1024 * 1024),
      maxBulkBodyBytes: read.int('MAX_BULK_BODY_BYTES', defaultMaxBulkBodyBytes(plans), 1024, 1024 * 1024 * 1024),
      maxJsonDepth: read.int('MAX_JSON_DEPTH', 16, 4, 64),
      // Bun answers 431 itself, with no body, past its own bound (16 KiB): npm start and the image
      // raise that to 64 KiB (--max-http-header-size) so that this one answers, in the envelope.
      maxHeaderBytes: read.int('MAX_HEADER_BYTES', 16 * 1024, 1024, 1024 * 1024),
    },
    urlBlocklist: read.list('URL_BLOCKLIST').map((h) => h.toLowerCase()),
    dnsServers: dnsServerList(read.list('DNS_SERVERS')),
    trustProxy: trustProxyOf(read.optional('TRUST_PROXY')),
    redirectMissLimitPerMinute: read.int('REDIRECT_MISS_LIMIT_PER_MINUTE', 60, 0, 1_000_000),
    webhooks: {
      allowPrivate: read.bool('WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: read.int('WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
      pollMs: read.int('WEBHOOK_POLL_MS', 1000, 10, 60_000),
    },
    previousProvider: {
      allowPrivate: read.bool('PREVIOUS_PROVIDER_ALLOW_PRIVATE', false),
      timeoutMs: read.int('PREVIOUS_PROVIDER_TIMEOUT_MS', 2000, 100, 30_000),
      limitPerMinute: read.int('PREVIOUS_PROVIDER_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    },
    smtpUrl: read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: read.str('MAIL_FROM', 'Kurz <no-reply@localhost>'),
    accountLimits: {
      registerPerIp: read.int('REGISTER_LIMIT_PER_IP', 20, 1, 1_000_000),
      forgotPerEmail: read.int('FORGOT_PASSWORD_LIMIT_PER_EMAIL', 3, 1, 1_000_000),
      forgotPerIp: read.int('FORGOT_PASSWORD_LIMIT_PER_IP', 10, 1, 1_000_000),
    },
    mailLogContent: read.bool('MAIL_LOG_CONTENT', read.optional('NODE_ENV') !== 'production'),
    secretsKeys: {
      current: secretsKey('SECRETS_KEY', secrets.SECRETS_KEY),
      previous: read.list('SECRETS_KEY_PREVIOUS').map((k) => secretsKey('SECRETS_KEY_PREVIOUS', k)),
    },
    totpSetupTtlSeconds: read.int('TOTP_SETUP_TTL_SECONDS', 900, 60, 86_400),
    logLevel: read.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  })
}

function reader(env: Env) {
  const optional = (name: string) => {
    const v = env[name]?.trim()
    return v ? v : null
  }
  return {
    optional,
    str: (name: string, fallback: string) => optional(name) ?? fallback,
    int(name: string, fallback: number, min: number, max: number) {
      const raw = optional(name)
      if (raw === null) return fallback
      const n = Number(raw)
      if (!Number.isInteger(n) || n < min || n > max)
        throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`)
      return n
    },
    bool(name: string, fallback: boolean) {
      const raw = optional(name)?.toLowerCase()
      if (raw === undefined || raw === null) return fallback
      if (['1', 'true', 'yes', 'on'].includes(raw)) return true
      if (['0', 'false', 'no', 'off'].includes(raw)) return false
      throw new ConfigError(`${name} must be true or false, got "${raw}"`)
    },
    url(name: string, fallback: string) {
      const raw = optional(name) ?? fallback
      if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
        throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`)
      return raw
    },
    optionalUrl(name: string, protocols: string[]) {
      const raw = optional(name)
      if (raw === null) return null
      if (!URL.canParse(raw) || !protocols.includes(new URL(raw).protocol))
        throw new ConfigError(`${name} must be a URL starting with ${protocols.join(' or ')}//`)
      return raw
    },
    list: (name: string) => splitList(optional(name)),
    oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
      const raw = optional(name)
      if (raw === null) return fallback
      if (!values.includes(raw as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}`)
      return raw as T
    },
  }
}

/**
 * The largest legitimate body: a bulk create at the largest plan's bound, each link at its
 * largest (an 8,192-character URL, a 4,000-character text payload, a title, with JSON escapes:
 * 16 KiB). The default plans give 16 MB; never below 1 MiB.
 */
function defaultMaxBulkBodyBytes(plans: readonly Plan[]): number {
  return Math.max(1024 * 1024, Math.max(...plans.map((p) => p.bulkLimit)) * 16 * 1024)
}

const splitList = (raw: string | null) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)

/** One path or several, comma-separated: ip-location-db ships its City databases as an IPv4 and an IPv6 file. */
function geoipFiles(raw: string | null): string[] | null {
  if (raw === null) return null
  const paths = splitList(raw)
  if (!paths.length) throw new ConfigError(`GEOIP_DB must be one or more comma-separated .mmdb paths, got "${raw}"`)
  return paths
}

function readPlansFile(path: string): Plan[] {
  try {
    return parsePlans(JSON.parse(readFileSync(path, 'utf8')))
  } catch (e) {
    throw new ConfigError(`PLANS_FILE ${path}: ${(e as Error).message}`)
  }
}

/** `1.1.1.1`, `1.1.1.1:53`, `::1` or `[::1]:53`: what node:dns's Resolver.setServers accepts. */
function dnsServerList(entries: string[]): string[] {
  for (const e of entries) {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(e) ?? /^([^:]+):(\d+)$/.exec(e)
    const ip = m ? m[1] : e
    const port = m ? Number(m[2]) : 53
    if (!isIP(ip) || port < 1 || port > 65535)
      throw new ConfigError(`DNS_SERVERS must be comma-separated IP addresses with an optional :port, got "${e}"`)
  }
  return entries
}

/** 32 bytes, as 64 hex digits or in base64 / base64url (what `openssl rand -base64 32` prints). */
function secretsKey(name: string, raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64') : null
  if (key?.length !== 32) throw new ConfigError(`${name} must be 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)`)
  return key
}

/**
 * TRUST_PROXY: false (the default), a number of proxy hops (true is 1), or comma-separated
 * addresses and CIDR ranges of the trusted proxies.
 */
function trustProxyOf(raw: string | null): TrustProxy {
  const value = raw?.toLowerCase() ?? 'false'
  if (['0', 'false', 'no', 'off'].includes(value)) return null
  if (['true', 'yes', 'on'].includes(value)) return Object.freeze({ hops: 1 })
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 10) throw new ConfigError(`TRUST_PROXY must be a number of proxy hops from 1 to 10, got "${raw}"`)
    return Object.freeze({ hops })
  }
  const cidrs = splitList(value)
  for (const cidr of cidrs) {
    const [net, bits, extra] = cidr.split('/')
    const family = isIP(net)
    const max = family === 6 ? 128 : 32
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max)))
      throw new ConfigError(`TRUST_PROXY must be true, false, a number of proxy hops, or comma-separated addresses or CIDR ranges of the trusted proxies, got "${cidr}"`)
  }
  return Object.freeze({ cidrs: Object.freeze(cidrs) })
}

const SECRET_NAMES = ['JWT_SECRET', 'VISITOR_SALT', 'CRON_SECRET', 'SECRETS_KEY'] as const
type Secrets = Record<(typeof SECRET_NAMES)[number], string>

/** Secrets not given in the environment are generated once and kept in DATA_DIR. */
function persistentSecrets(dataDir: string, env: Env): Secrets {
  const file = join(dataDir, 'secrets.json')
  let stored: Partial<Secrets> = {}
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      throw new ConfigError(`DATA_DIR holds an unreadable ${file}; fix or delete it`)
    }
  }
  const missing = SECRET_NAMES.filter((n) => !env[n]?.trim() && !stored[n])
  if (missing.length) {
    for (const n of missing) stored[n] = randomBytes(32).toString('base64url')
    try {
      mkdirSync(dataDir, { recursive: true })
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
    } catch (e) {
      throw new ConfigError(`DATA_DIR ${dataDir} is not writable: ${(e as Error).message}`)
    }
  }
  const out = {} as Secrets
  for (const n of SECRET_NAMES) {
    const v = env[n]?.trim() || stored[n]!
    if (n === 'JWT_SECRET' && v.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters')
    out[n] = v
  }
  return out
}
