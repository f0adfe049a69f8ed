// `bun run admin:reset-password`: a new password for the admin in the configured database, and
// every session of the admin logged out.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { openDatabase, pgliteDir } from '../src/db/client'
import { users } from '../src/db/schema'
import { newId } from '../src/shared/ids'
import { ResetError, resetAdminPassword } from '../src/accounts/reset-admin'
import { createHarness, redisUrl, SETUP_TIMEOUT, type Harness } from './support/harness'
import { within } from './support/poll'

const ROOT = resolve(import.meta.dir, '..')

async function runReset(env: Record<string, string>, args: string[] = [], stdin?: string) {
  const proc = Bun.spawn([process.execPath, 'run', '--silent', 'admin:reset-password', ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdin: stdin === undefined ? 'ignore' : new Blob([stdin]), stdout: 'pipe', stderr: 'pipe',
  })
  const exitCode = await proc.exited
  return { exitCode, stdout: await new Response(proc.stdout).text(), stderr: await new Response(proc.stderr).text() }
}

describe('admin:reset-password on the embedded database (DATA_DIR)', () => {
  test('prints a new random password once, which then is the admin\'s; sessions before it stop working', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kurz-reset-'))
    try {
      const db = await openDatabase({ url: null, dir: pgliteDir(dataDir) })
      const id = newId('usr')
      await db.db.insert(users).values({ id, email: 'root@kurz.test', role: 'ADMIN', plan: 'Business', passwordHash: await Bun.password.hash('old-password-1') })
      await db.close()

      const run = await runReset({ DATA_DIR: dataDir, HOME: dataDir, CLICKS_RECORD: 'false' })
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      const password = /admin password: (\S+) {2}\(shown once\)/.exec(run.stdout)![1]
      expect(run.stdout).toContain('admin account: root@kurz.test')

      const again = await openDatabase({ url: null, dir: pgliteDir(dataDir) })
      const [row] = await again.db.select().from(users).where(eq(users.id, id))
      await again.close()
      expect(await Bun.password.verify(password, row.passwordHash!)).toBe(true)
      expect(await Bun.password.verify('old-password-1', row.passwordHash!)).toBe(false)
      expect(row.tokensValidAfter!.getTime()).toBeGreaterThan(Date.now() - 120_000)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, SETUP_TIMEOUT)
})

describe('resetAdminPassword', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('refuses an email that is not an admin\'s, and a password shorter than 8', async () => {
    const now = new Date()
    await expect(resetAdminPassword(h.deps.db, { email: 'nobody@kurz.test', password: 'long-enough-1', now })).rejects.toBeInstanceOf(ResetError)
    await expect(resetAdminPassword(h.deps.db, { email: null, password: 'short', now })).rejects.toThrow('8 to 256 characters')
  })
})

describe.if(Boolean(process.env.DATABASE_URL && redisUrl))('admin:reset-password on PostgreSQL with Redis', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine: 'postgres', redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const login = (password: string) => h.api('POST', '/api/auth/login', { key: null, body: { email: h.adminEmail, password } })

  test('takes the password from stdin, logs out the running instance\'s sessions at once, and the new password logs in', async () => {
    const jwt = (await login(h.adminPassword)).body.token as string
    expect((await h.api('GET', '/api/v1/me', { key: jwt })).status).toBe(200)
    const run = await runReset({
      DATA_DIR: h.config.dataDir, HOME: h.config.dataDir, DATABASE_URL: h.databaseUrl!, REDIS_URL: redisUrl!, REDIS_PREFIX: h.config.redisPrefix,
    }, ['--email', h.adminEmail.toUpperCase(), '--password-stdin'], 'brand-new-admin-pass\n')
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('admin password: changed')
    expect(run.stdout).not.toContain('brand-new-admin-pass')
    // The instance cached the admin a moment ago: the eviction reaches it over Redis.
    expect(await within(2000, 401, async () => (await h.api('GET', '/api/v1/me', { key: jwt })).status)).toBe(401)
    expect((await login(h.adminPassword)).status).toBe(401)
    const fresh = await login('brand-new-admin-pass')
    expect(fresh.status).toBe(200)
    expect((await h.api('GET', '/api/v1/me', { key: fresh.body.token })).status).toBe(200)
    // API keys are not sessions: the bootstrap key still works.
    expect((await h.api('GET', '/api/v1/me')).status).toBe(200)
  }, SETUP_TIMEOUT)

  test('an unknown email exits 1 with one line', async () => {
    const run = await runReset({ DATA_DIR: h.config.dataDir, HOME: h.config.dataDir, DATABASE_URL: h.databaseUrl! }, ['--email', 'nobody@kurz.test'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr.trim()).toBe('kurz: no admin account has the email nobody@kurz.test')
  }, SETUP_TIMEOUT)
})
