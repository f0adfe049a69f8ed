// `expiresIn` strings ("30m", "7d", "never") and the plan's cap on them.
import { AppError } from '../errors'
import type { Plan } from '../plans/table'

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800, mo: 2_592_000, y: 31_536_000 }
const PATTERN = /^(\d{1,6})(m|h|d|w|mo|y)$/

/**
 * The expiry instant for `expiresIn`, clamped to the plan's maximum (clamped, not refused).
 * Absent input on a capped plan gets the cap; `never` needs a plan without one.
 */
export function resolveExpiry(expiresIn: string | null | undefined, plan: Plan, now: Date): Date | null {
  const cap = plan.maxExpirySeconds
  if (expiresIn === undefined || expiresIn === null || expiresIn === '') return cap === null ? null : after(now, cap)
  const value = expiresIn.trim().toLowerCase()
  if (value === 'never') {
    if (cap !== null) throw new AppError('FORBIDDEN', `Links that never expire need a paid plan; ${plan.name} keeps links at most ${cap / 86_400} days`, { field: 'expiresIn' })
    return null
  }
  const m = PATTERN.exec(value)
  if (!m || Number(m[1]) === 0)
    throw new AppError('VALIDATION_ERROR', 'expiresIn must be like 30m, 1h, 12h, 1d, 7d, 30d, 3mo, 1y, 10y or never', { field: 'expiresIn' })
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]]
  return after(now, cap === null ? seconds : Math.min(seconds, cap))
}

const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000)
