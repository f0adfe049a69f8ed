// A database that cannot be opened at start is a setting to fix, not a bug: one line that names
// the variable and what failed, instead of a stack trace.
import type { Config } from '../config'
import { isUnavailable } from '../errors'

/** Network failures of a connection attempt that isUnavailable does not cover. */
const CONNECT_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_NONAME', 'CONNECT_TIMEOUT']

type Failure = { code?: unknown; name?: unknown; message?: unknown; errors?: unknown[] }

/** The line to print when `error` came from reaching DATABASE_URL; null for any other error. */
export function databaseFailure(config: Pick<Config, 'databaseUrl'>, error: unknown): string | null {
  if (!config.databaseUrl || !isDatabaseFailure(error)) return null
  return `DATABASE_URL: cannot open the database at ${redacted(config.databaseUrl)}: ${reasonOf(error)}`
}

function isDatabaseFailure(error: unknown): boolean {
  const e = error as Failure | null
  if (!e) return false
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseFailure)) return true
  return isUnavailable(e) || CONNECT_CODES.includes(String(e.code)) || e.name === 'PostgresError'
}

function reasonOf(error: unknown): string {
  const e = error as Failure
  const first = Array.isArray(e.errors) && e.errors.length > 0 ? (e.errors[0] as Failure) : e
  return String(first.message || first.code || e.message || 'unknown error').split('\n')[0]
}

/** The URL without its password: the line goes to logs. */
function redacted(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}
