import { describe, expect, spyOn, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config'
import { createDeps, closeDeps } from '../src/deps'
import { openDatabase } from '../src/db/client'
import { apiKeys, users } from '../src/db/schema'
import { bootstrap } from '../src/accounts/bootstrap'
import { createApp } from '../src/app'
import { silentLogger } from '../src/shared/log'
import { createHarness, createTestDatabase, SETUP_TIMEOUT } from './support/harness'

describe('bootstrap', () => {
  test('an empty installation gets an admin and an API key, printed once, stored hashed', async () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kurz-boot-')), BASE_URL: 'http://kurz.test' })
    const deps = await createDeps(config, { log: silentLogger, database: await openDatabase({ url: null, dir: null }) })
    const log = spyOn(console, 'log').mockImplementation(() => {})
    try {
      await bootstrap(deps)
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n')
      const key = /sk_live_[A-Za-z0-9]{32,}/.exec(printed)?.[0]
      expect(key).toBeDefined()
      log.mockClear()
      await bootstrap(deps)
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).not.toContain('sk_live_')
      log.mockRestore()

      const [admin] = await deps.db.select().from(users)
      expect(admin.role).toBe('ADMIN')
      expect(admin.plan).toBe('Business')
      const stored = await deps.db.select().from(apiKeys)
      expect(stored).toHaveLength(1)
      expect(JSON.stringify(stored)).not.toContain(key!)
      const res = await createApp(deps).handle(new Request('http://kurz.test/api/v1/links', { headers: { authorization: `Bearer ${key}` } }))
      expect(res.status).toBe(200)
    } finally {
      log.mockRestore()
      await closeDeps(deps)
    }
  }, SETUP_TIMEOUT)

  test('ADMIN_EMAIL, ADMIN_PASSWORD and ADMIN_API_KEY are used exactly', async () => {
    const h = await createHarness()
    try {
      const [admin] = await h.deps.db.select().from(users).where(eq(users.email, h.adminEmail))
      expect(admin.role).toBe('ADMIN')
      expect(await Bun.password.verify(h.adminPassword, admin.passwordHash!)).toBe(true)
      expect((await h.api('GET', '/api/v1/links', { key: h.adminKey })).status).toBe(200)
    } finally {
      await h.close()
    }
  }, SETUP_TIMEOUT)
})

describe.skipIf(!process.env.DATABASE_URL)('migrations', () => {
  test('two instances starting at once both come up on one migrated database', async () => {
    const db = await createTestDatabase()
    try {
      const [a, b] = await Promise.all([openDatabase({ url: db.url, dir: null }), openDatabase({ url: db.url, dir: null })])
      await a.db.select().from(users)
      await b.db.select().from(users)
      await Promise.all([a.close(), b.close()])
    } finally {
      await db.drop()
    }
  }, SETUP_TIMEOUT)
})
