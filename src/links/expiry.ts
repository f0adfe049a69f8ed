// `expiresIn` strings ("30m", "7d", "never") and the plan's cap on them.
import { AppError } from '../errors'
import type { Plan } from '../plans/table'

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800, mo: 2_592_000, y: 31_536_000 }
const PATTERN = /^(\d{1,6})(m|h|d|w|mo|y)$/

/**
 * The expiry instant for `expiresIn`, clamped to the plan's maximum (clamped, not refused).
 * Absent input on a capped plan gets the cap; `never` needs a plan without one (403 naming them).
 */
export function resolveExpiry(expiresIn: string | null | undefined, plan: Plan, now: Date, plans: readonly Plan[]): Date | null {
  const cap = plan.maxExpirySeconds
  if (expiresIn === undefined || expiresIn === null || expiresIn === '') return cap === null ? null : after(now, cap)
  const value = expiresIn.trim().toLowerCase()
  if (value === 'never') {
    if (cap !== null) throw new AppError('FORBIDDEN', neverRefusal(plan, cap, plans), { field: 'expiresIn' })
    return null
  }
  const m = PATTERN.exec(value)
  if (!m || Number(m[1]) === 0)
    throw new AppError('VALIDATION_ERROR', 'expiresIn must be like 30m, 1h, 12h, 1d, 7d, 30d, 3mo, 1y, 10y or never', { field: 'expiresIn' })
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]]
  return after(now, cap === null ? seconds : Math.min(seconds, cap))
}

/** Names the plans that allow `never` (those without a cap), from the configured table. */
function neverRefusal(plan: Plan, cap: number, plans: readonly Plan[]): string {
  const names = plans.filter((p) => p.maxExpirySeconds === null).map((p) => p.name)
  const which = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`
  const days = Math.round(cap / 86_400)
  const kept = `the ${plan.name} plan keeps links at most ${days} day${days === 1 ? '' : 's'}`
  return names.length === 0 ? `No plan has links that never expire; ${kept}` : `Links that never expire need the ${which} plan; ${kept}`
}

const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000)
