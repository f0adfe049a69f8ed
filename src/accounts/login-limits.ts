// Limits of the unauthenticated account routes, counted before any argon2 hash or mail, so that a
// refused request costs one counter increment; shared across instances through the rate limiter.
// Logins: 30 attempts per 15 minutes per IP and 10 per email; past the email's limit, an address
// the account signed in from before still gets through (the owner is not locked out by a guesser).
import type { Deps } from '../deps'
import { AppError } from '../errors'
import type { Verdict } from '../auth/rate-limit'

const WINDOW_MS = 15 * 60_000
const HOUR = 3_600_000
export const LOGIN_LIMITS = { perIp: 30, perEmail: 10 } as const

type Bucket = { key: string; limit: number; windowMs: number }

function hitAll(deps: Deps, buckets: Bucket[]): Promise<Verdict[]> {
  const { limiter } = deps
  const now = deps.now().getTime()
  return Promise.all(buckets.map((b) => limiter.hit(b.key, b.limit, b.windowMs, now)))
}

/** 429 RATE_LIMIT_EXCEEDED when any verdict refuses, with the longest wait as retryAfter. */
function throwIfRefused(verdicts: Verdict[], what: string) {
  const refused = verdicts.filter((v) => !v.allowed)
  if (refused.length === 0) return
  const retryAfter = Math.max(...refused.map((v) => v.retryAfter))
  throw new AppError('RATE_LIMIT_EXCEEDED', `Too many ${what}; retry in ${retryAfter} s`, { retryAfter })
}

export async function checkLoginAttempt(deps: Deps, ip: string, email: string): Promise<void> {
  const [byIp, byEmail] = await hitAll(deps, [
    { key: `login:ip:${ip}`, limit: LOGIN_LIMITS.perIp, windowMs: WINDOW_MS },
    { key: `login:email:${email}`, limit: LOGIN_LIMITS.perEmail, windowMs: WINDOW_MS },
  ])
  const emailRefused = !byEmail.allowed && !(await deps.knownAddresses.has(email, ip))
  throwIfRefused(emailRefused ? [byIp, byEmail] : [byIp], 'login attempts')
}

/** Registrations per IP per hour: each costs an argon2 hash (~2 cores at 13 a second). */
export async function checkRegisterAttempt(deps: Deps, ip: string): Promise<void> {
  const limit = deps.config.accountLimits.registerPerIp
  throwIfRefused(await hitAll(deps, [{ key: `register:ip:${ip}`, limit, windowMs: HOUR }]), 'registrations')
}

/** Reset requests per email and per IP per hour: each may send a mail to someone's inbox. */
export async function checkForgotAttempt(deps: Deps, ip: string, email: string): Promise<void> {
  const { forgotPerEmail, forgotPerIp } = deps.config.accountLimits
  throwIfRefused(await hitAll(deps, [
    { key: `forgot:ip:${ip}`, limit: forgotPerIp, windowMs: HOUR },
    { key: `forgot:email:${email}`, limit: forgotPerEmail, windowMs: HOUR },
  ]), 'password reset requests')
}

/** True for the first call with `key` in the current hour (at most one such mail an hour). */
export async function firstThisHour(deps: Deps, key: string): Promise<boolean> {
  const [v] = await hitAll(deps, [{ key, limit: 1, windowMs: HOUR }])
  return v.allowed
}
