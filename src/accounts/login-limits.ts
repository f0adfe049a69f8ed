// Brute-force limits on logins: 30 attempts per 15 minutes per IP and 10 per email, counted
// before the password is checked, shared across instances through the rate limiter.
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { authContext } from '../auth/context'

const WINDOW_MS = 15 * 60_000
export const LOGIN_LIMITS = { perIp: 30, perEmail: 10 } as const

export async function checkLoginAttempt(deps: Deps, ip: string, email: string): Promise<void> {
  const { limiter } = authContext(deps)
  const now = deps.now().getTime()
  const [byIp, byEmail] = await Promise.all([
    limiter.hit(`login:ip:${ip}`, LOGIN_LIMITS.perIp, WINDOW_MS, now),
    limiter.hit(`login:email:${email}`, LOGIN_LIMITS.perEmail, WINDOW_MS, now),
  ])
  const refused = [byIp, byEmail].filter((v) => !v.allowed)
  if (refused.length > 0) {
    const retryAfter = Math.max(...refused.map((v) => v.retryAfter))
    throw new AppError('RATE_LIMIT_EXCEEDED', `Too many login attempts; retry in ${retryAfter} s`, { retryAfter })
  }
}
