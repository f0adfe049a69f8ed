// The one auth plugin: `{ auth: true }` resolves the caller and applies the per-minute rate limits
// of its plan (per key, or per account for JWTs, and a ceiling for the whole account, so that more
// keys do not mean more requests); `{ admin: true }` also requires ADMIN.
// The guard runs at onRequest for every /api/v1 path, before routing and validation, so that
// every answer there (400s and unknown routes included) carries the X-RateLimit-* headers.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import { AppError } from '../errors'
import type { Caller } from './caller'
import { authenticate } from './service'
import { clientIp } from './context'
import { rateLimitHeaders } from './rate-limit'
import type { RequestServer } from '../shared/request'
import { cookieCredential } from './session'

type Ctx = { request: Request; set: { headers: Record<string, unknown> }; server: RequestServer }

const MINUTE = 60_000

/** What every feature's routes take to declare `{ auth: true }` or `{ admin: true }`. */
export type AuthPlugin = ReturnType<typeof authPlugin>

export function authPlugin(deps: Deps) {

  /** Every answer gets X-RateLimit-* headers, errors included; unauthenticated calls count per IP. */
  async function guard({ request, set, server }: Ctx): Promise<Caller> {
    const now = deps.now()
    let caller: Caller
    try {
      caller = await authenticate(deps, deps.callers, request.headers, cookieCredential(deps.config, request))
    } catch (e) {
      const v = await deps.limiter.hit(`api:ip:${clientIp(deps, request, server)}`, deps.config.plans[0].rateLimitPerMinute, MINUTE, now.getTime())
      Object.assign(set.headers, rateLimitHeaders(v))
      if (!v.allowed) throw limited(v.retryAfter, v.limit)
      throw e
    }
    const v = await deps.limiter.hitAll(rulesOf(caller), MINUTE, now.getTime())
    Object.assign(set.headers, rateLimitHeaders(v))
    if (!v.allowed) throw limited(v.retryAfter, v.limit, v.binding === 1 ? ' for this account, all its keys together' : '')
    if (caller.keyId) deps.keyUsage.record(caller.keyId, now)
    return caller
  }

  const resolved = new WeakMap<Request, Caller>()
  const callerFor = async (c: Ctx) => resolved.get(c.request) ?? guard(c)

  return new Elysia({ name: 'kurz.auth' })
    .onRequest(async (c) => {
      if (c.request.method === 'OPTIONS' || !new URL(c.request.url).pathname.startsWith('/api/v1/')) return
      resolved.set(c.request, await guard(c as unknown as Ctx))
    })
    .macro({
      auth: {
        async resolve(c) {
          return { caller: await callerFor(c as unknown as Ctx) }
        },
      },
      admin: {
        async resolve(c) {
          const caller = await callerFor(c as unknown as Ctx)
          if (caller.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Only administrators may do this')
          return { caller }
        },
      },
    })
}

/**
 * A person in the dashboard: one page asks for several things at once, so the session has a
 * bucket of its own of at least this many requests a minute, outside the account's ceiling on
 * its keys (which bounds what many keys together may do, not one person clicking).
 */
export const SESSION_RATE_LIMIT_PER_MINUTE = 300

/** The caller's own limit and its account's ceiling, counted together; {userId} keeps both in one Redis Cluster slot. */
const rulesOf = (caller: Caller) => caller.session
  ? [{ bucket: `api:{${caller.userId}}:session`, limit: Math.max(caller.plan.rateLimitPerMinute, SESSION_RATE_LIMIT_PER_MINUTE) }]
  : [
    { bucket: `api:{${caller.userId}}:${caller.keyId ? `k:${caller.keyId}` : 'jwt'}`, limit: caller.plan.rateLimitPerMinute },
    { bucket: `api:{${caller.userId}}:all`, limit: caller.plan.accountRateLimitPerMinute },
  ]

const limited = (retryAfter: number, limit: number, scope = '') =>
  new AppError('RATE_LIMIT_EXCEEDED', `Too many requests${scope}: ${limit} a minute; retry in ${retryAfter} s`, { retryAfter, limit })
