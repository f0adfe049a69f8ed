import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../src/config'

const dir = () => mkdtempSync(join(tmpdir(), 'kurz-config-'))

describe('config', () => {
  test('defaults give a working embedded setup', () => {
    const c = loadConfig({ DATA_DIR: dir() })
    expect(c.port).toBe(3000)
    expect(c.databaseUrl).toBeNull()
    expect(c.redisUrl).toBeNull()
    expect(c.redirectStatus).toBe(302)
    expect(c.plans.map((p) => p.name)).toEqual(['Free', 'Core', 'Pro', 'Business'])
    expect(c.shortHost).toBe('localhost')
    expect(c.databaseTimeouts).toEqual({ statementMs: 5000, connectMs: 3000 })
  })

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIRECT_STATUS: '303' }, 'REDIRECT_STATUS'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ CLICKHOUSE_URL: 'tcp://x:9000' }, 'CLICKHOUSE_URL'],
    [{ BASE_URL: 'ftp://x' }, 'BASE_URL'],
    [{ ADMIN_API_KEY: 'sk_live_short' }, 'ADMIN_API_KEY'],
    [{ CRON_INTERNAL: 'maybe' }, 'CRON_INTERNAL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PLANS_FILE: '/nonexistent/plans.json' }, 'PLANS_FILE'],
    [{ GEOIP_DB: ' , ,' }, 'GEOIP_DB'],
    [{ DB_STATEMENT_TIMEOUT_MS: 'soon' }, 'DB_STATEMENT_TIMEOUT_MS'],
    [{ DB_CONNECT_TIMEOUT_MS: '0' }, 'DB_CONNECT_TIMEOUT_MS'],
    [{ DB_POOL_SIZE: '0' }, 'DB_POOL_SIZE'],
  ])('a bad value stops the start with one line naming the variable: %p', (env, name) => {
    let error: unknown
    try { loadConfig({ DATA_DIR: dir(), ...env }) } catch (e) { error = e }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain(name)
    expect((error as Error).message).not.toContain('\n')
  })

  test('secrets not given are generated once and kept in DATA_DIR', () => {
    const d = dir()
    const first = loadConfig({ DATA_DIR: d })
    const second = loadConfig({ DATA_DIR: d })
    expect(first.jwt.secret.length).toBeGreaterThanOrEqual(32)
    expect(second.jwt.secret).toBe(first.jwt.secret)
    expect(second.visitorSalt).toBe(first.visitorSalt)
    expect(JSON.parse(readFileSync(join(d, 'secrets.json'), 'utf8')).CRON_SECRET).toBe(first.cronSecret)
    expect(loadConfig({ DATA_DIR: d, JWT_SECRET: 'x'.repeat(40) }).jwt.secret).toBe('x'.repeat(40))
  })

  test('GEOIP_DB takes one or more comma-separated files, in their order; unset, the bundled database', () => {
    const geoipDb = (value?: string) => loadConfig({ DATA_DIR: dir(), GEOIP_DB: value }).geoipDb
    expect(geoipDb()).toBeNull()
    expect(geoipDb('  ')).toBeNull()
    expect(geoipDb('/geo/city.mmdb')).toEqual(['/geo/city.mmdb'])
    expect(geoipDb(' /geo/dbip-city-ipv4.mmdb , ,/geo/dbip-city-ipv6.mmdb,')).toEqual(['/geo/dbip-city-ipv4.mmdb', '/geo/dbip-city-ipv6.mmdb'])
  })

  test('a plans file replaces the default table', async () => {
    const d = dir()
    const file = join(d, 'plans.json')
    await Bun.write(file, JSON.stringify([
      { name: 'Solo', priceMonthly: 0, linkLimit: 5, clickLimit: 10, rateLimitPerMinute: 5, bulkLimit: 2, maxExpirySeconds: 3600, typedLinks: false, domainLimit: 0 },
      { name: 'Team', priceMonthly: 9, linkLimit: 500, clickLimit: 1000, rateLimitPerMinute: 50, bulkLimit: 20, maxExpirySeconds: null, typedLinks: true, domainLimit: 3 },
    ]))
    const c = loadConfig({ DATA_DIR: d, PLANS_FILE: file })
    expect(c.plans.map((p) => [p.name, p.linkLimit])).toEqual([['Solo', 5], ['Team', 500]])
    await Bun.write(file, JSON.stringify([{ name: 'Broken' }]))
    expect(() => loadConfig({ DATA_DIR: d, PLANS_FILE: file })).toThrow(/PLANS_FILE/)
  })

  test('a plans file may set the account-wide rate ceiling and the key limit; without them, 3× the per-key limit and 10 keys', async () => {
    const d = dir()
    const file = join(d, 'plans.json')
    const base = { priceMonthly: 0, linkLimit: 5, clickLimit: 10, rateLimitPerMinute: 5, bulkLimit: 2, maxExpirySeconds: 3600, typedLinks: false, domainLimit: 0 }
    await Bun.write(file, JSON.stringify([{ ...base, name: 'Old' }, { ...base, name: 'New', accountRateLimitPerMinute: 7, keyLimit: 2 }]))
    const c = loadConfig({ DATA_DIR: d, PLANS_FILE: file })
    expect(c.plans.map((p) => [p.name, p.accountRateLimitPerMinute, p.keyLimit])).toEqual([['Old', 15, 10], ['New', 7, 2]])
    await Bun.write(file, JSON.stringify([{ ...base, name: 'Bad', keyLimit: -1 }]))
    expect(() => loadConfig({ DATA_DIR: d, PLANS_FILE: file })).toThrow(/PLANS_FILE.*keyLimit/)
    await Bun.write(file, JSON.stringify([{ ...base, name: 'Bad', accountRateLimitPerMinute: 'many' }]))
    expect(() => loadConfig({ DATA_DIR: d, PLANS_FILE: file })).toThrow(/PLANS_FILE.*accountRateLimitPerMinute/)
  })

  test('the default plans cap an account at 3× the per-key rate limit', () => {
    const c = loadConfig({ DATA_DIR: dir() })
    expect(c.plans.map((p) => [p.rateLimitPerMinute, p.accountRateLimitPerMinute, p.keyLimit]))
      .toEqual([[30, 90, 5], [120, 360, 10], [200, 600, 20], [1_000, 3_000, 50]])
  })
})
