// The per-app state of authentication, built once per Deps: the caller cache (evicted over the
// bus), the rate limiter, the key usage recorder and the JWT signer. Features that revoke keys or
// change accounts reach it through authContext(deps).
import type { Deps } from '../deps'
import { KeyUsageRecorder } from '../keys/usage-recorder'
import { CallerCache } from './service'
import { RateLimiter } from './rate-limit'
import { tokensFor, type Tokens } from './tokens'
import { clientIp as clientIpOf, type RequestServer } from '../shared/request'

export type AuthContext = {
  callers: CallerCache
  limiter: RateLimiter
  keyUsage: KeyUsageRecorder
  tokens: Tokens
}

const contexts = new WeakMap<Deps, AuthContext>()

export function authContext(deps: Deps): AuthContext {
  let ctx = contexts.get(deps)
  if (!ctx) {
    ctx = {
      callers: new CallerCache(deps),
      limiter: new RateLimiter(deps.redis?.command ?? null, deps.config.redisPrefix),
      keyUsage: new KeyUsageRecorder(deps.db, deps.log),
      tokens: tokensFor(deps.config),
    }
    contexts.set(deps, ctx)
  }
  return ctx
}

/** The client's address, as the limits key it: the shared reading, 'unknown' when there is none. */
export function clientIp(deps: Deps, request: Request, server: RequestServer): string {
  return clientIpOf(deps.config.trustProxy, request, server) || 'unknown'
}

/** On shutdown: write the key usage still in memory while the database is open. */
export async function closeAuthContext(deps: Deps): Promise<void> {
  const ctx = contexts.get(deps)
  if (!ctx) return
  ctx.keyUsage.stop()
  await ctx.keyUsage.flush()
}
