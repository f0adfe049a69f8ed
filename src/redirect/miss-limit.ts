// Unknown slugs per client address. A known link is answered from the cache, but each distinct
// unknown slug is a PostgreSQL query: a client scanning slugs would turn the database into its
// target. The look-ups that miss the cache are limited per address; hits never reach this file.
//
// Per instance, in process, on purpose: the limit protects the database from one client, and N
// instances let it through at most N times the limit, a bound all the same; a shared counter would
// put a Redis round trip on every cache miss, and would fail when Redis does.
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { type Cached, MISS, cacheKey } from './link-entry'
import { resolveSlow } from './resolve'
import { resolveWithPrevious } from '../previous/service'
import { groupOf } from '../shared/request'

/** Addresses tracked in one window at most: memory stays bounded; those past it are not limited. */
const MAX_TRACKED = 100_000
const MINUTE = 60_000

/** The instance's miss limiter; null when REDIRECT_MISS_LIMIT_PER_MINUTE is 0. */
export const missLimiterFor = (limitPerMinute: number) => (limitPerMinute > 0 ? new MissLimiter(limitPerMinute) : null)

export class MissLimiter {
  private window = -1
  private readonly used = new Map<string, number>()

  constructor(readonly limit: number, private readonly windowMs = MINUTE) {}

  /**
   * Takes one look-up of the address's allowance in the current window: 0 when it may go ahead,
   * else the whole seconds until the window ends. Taken before the look-up, so that a burst of
   * concurrent ones cannot all pass before the first is counted.
   */
  acquire(address: string, nowMs: number): number {
    const window = Math.floor(nowMs / this.windowMs)
    if (window !== this.window) {
      this.window = window
      this.used.clear()
    }
    const group = groupOf(address)
    const used = this.used.get(group) ?? 0
    if (used >= this.limit) return Math.max(1, Math.ceil(((window + 1) * this.windowMs - nowMs) / 1000))
    if (used > 0 || this.used.size < MAX_TRACKED) this.used.set(group, used + 1)
    return 0
  }

  /** Gives a look-up back: it found a link, and only misses count. */
  release(address: string, nowMs: number) {
    if (Math.floor(nowMs / this.windowMs) !== this.window) return
    const group = groupOf(address)
    const used = this.used.get(group)
    if (used) this.used.set(group, used - 1)
  }
}


/**
 * resolveSlow within the client's allowance of misses. Over it, the shared cache may still answer
 * (a known link stays served), but nothing reaches the database: RATE_LIMIT_EXCEEDED instead.
 * An unknown address (no socket: in-process calls) is not limited.
 *
 * Concurrent requests for one key share one look-up: a link shared somewhere is asked for by many
 * clients at once before it is cached, and they cost one query, not one each. Joining a look-up
 * under way reaches no database, so it takes nothing of the client's allowance either.
 */
export async function resolveLimited(deps: Deps, address: string, domain: string, slug: string): Promise<Cached> {
  const key = cacheKey(domain, slug)
  const under = deps.linkCache.lookingUp(key)
  if (under) return under
  const misses = deps.missLimiter
  const previous = domain !== '' && deps.domains.hasPreviousProvider(domain)
  const resolve = () => deps.linkCache.lookUp(key, previous
    ? () => resolveWithPrevious(deps, domain, slug)
    : () => resolveSlow(deps.db, deps.linkCache, domain, slug))
  if (!misses || !address) return resolve()
  const now = deps.now().getTime()
  const retryAfter = misses.acquire(address, now)
  if (retryAfter > 0) {
    const shared = await deps.linkCache.getShared(key)
    if (shared !== undefined) return shared
    deps.metrics.redirectMissesLimited++
    throw new AppError('RATE_LIMIT_EXCEEDED', `Too many unknown links: ${misses.limit} a minute; retry in ${retryAfter} s`,
      { retryAfter, limit: misses.limit })
  }
  const entry = await resolve().catch((error) => {
    misses.release(address, now)
    throw error
  })
  if (entry !== MISS) misses.release(address, now)
  return entry
}
