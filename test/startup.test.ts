// Starting against a database that cannot be reached prints one line naming DATABASE_URL and what
// failed, and exits non-zero: a setting to fix, not a stack trace.
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { databaseFailure } from '../src/db/startup-failure'

const MAIN = resolve(import.meta.dir, '../src/main.ts')

/** A port that nothing listens on: taken from the system, then let go. */
function closedPort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = s.port
  s.stop(true)
  return port
}

describe('start with an unreachable DATABASE_URL', () => {
  test('prints one line naming DATABASE_URL and the failure, without the password, and exits 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kurz-start-'))
    const url = `postgres://kurz:hunter2@127.0.0.1:${closedPort()}/kurz`
    try {
      const proc = Bun.spawn([process.execPath, MAIN], {
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, DATA_DIR: dataDir, DATABASE_URL: url, PORT: '0' },
        stdout: 'pipe', stderr: 'pipe',
      })
      const exitCode = await proc.exited
      const stderr = await new Response(proc.stderr).text()
      expect(exitCode).toBe(1)
      const lines = stderr.trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toStartWith('kurz: DATABASE_URL: cannot open the database at postgres://kurz:***@127.0.0.1:')
      expect(lines[0]).toContain('ECONNREFUSED')
      expect(stderr).not.toContain('hunter2')
      expect(stderr).not.toMatch(/\n\s+at /)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('databaseFailure', () => {
  const config = { databaseUrl: 'postgres://u:p@db.internal:5432/kurz' }
  test('a connection failure, a name that does not resolve and a server refusal are database failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' })
    expect(databaseFailure(config, refused)).toBe('DATABASE_URL: cannot open the database at postgres://u:***@db.internal:5432/kurz: connect ECONNREFUSED 10.0.0.1:5432')
    expect(databaseFailure(config, Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' }))).toContain('ENOTFOUND')
    expect(databaseFailure(config, Object.assign(new Error('password authentication failed'), { name: 'PostgresError', code: '28P01' }))).toContain('password authentication failed')
    expect(databaseFailure(config, new AggregateError([refused], 'all failed'))).toContain('connect ECONNREFUSED')
  })

  test('any other error, or the embedded database, is not described (it keeps its stack trace)', () => {
    expect(databaseFailure(config, new TypeError('x is undefined'))).toBeNull()
    expect(databaseFailure({ databaseUrl: null }, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeNull()
  })
})
