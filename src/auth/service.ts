// Resolves the caller from an API key or a JWT: one path for both, so blocking and plans apply alike.
import { eq } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import type { Deps } from '../deps'
import { apiKeys, users } from '../db/schema'
import { AppError } from '../errors'
import { findPlan } from '../plans/table'
import { sha256Hex } from '../shared/ids'
import type { Caller } from './caller'

export const API_KEY_PREFIX = 'sk_live_'

/** The credential of a request: `Authorization: Bearer <key or JWT>`, a raw key in `Authorization`, or `X-Api-Key`. */
export function credentialOf(headers: Headers): string | null {
  const apiKey = headers.get('x-api-key')?.trim()
  if (apiKey) return apiKey
  const auth = headers.get('authorization')?.trim()
  if (!auth) return null
  const m = /^Bearer\s+(.+)$/i.exec(auth)
  return (m ? m[1] : auth).trim() || null
}

type KeyOwner = { keyId: string; userId: string }
type UserSnapshot = {
  id: string; email: string; role: 'USER' | 'ADMIN'; plan: string; blocked: boolean; tokensValidAfter: Date | null
}

const CHANNEL = 'auth'

/** The bus channel and message that evict an account from every instance's caller cache. */
export const userEviction = (userId: string) => [CHANNEL, `user:${userId}`] as const

/** Short-lived caches of key → owner and owner → account; revocations evict them on every instance. */
export class CallerCache {
  // ttlResolution 0: a clock read per get, not lru-cache's 1 ms setTimeout (see the link cache).
  private readonly keys = new LRUCache<string, KeyOwner>({ max: 50_000, ttl: 30_000, ttlResolution: 0 })
  private readonly users = new LRUCache<string, UserSnapshot>({ max: 50_000, ttl: 30_000, ttlResolution: 0 })

  constructor(private readonly deps: Pick<Deps, 'db' | 'bus'> & { config?: Pick<Deps['config'], 'cache'> }) {
    deps.bus.subscribe(CHANNEL, (m) => (m.startsWith('key:') ? this.keys.delete(m.slice(4)) : this.users.delete(m.slice(5))))
    const clear = () => { this.keys.clear(); this.users.clear() }
    deps.bus.onReconnect(clear)
    // Revocations on other instances can no longer arrive: forget what was cached before.
    deps.bus.onDegraded(clear)
  }

  /** While the bus is degraded, a revoked key or blocked account is accepted for at most this long. */
  private ttl(): number | undefined {
    return this.deps.bus.degraded() ? this.deps.config?.cache.degradedTtlMs ?? 3000 : undefined
  }

  /** Call after revoking or regenerating a key (by its hash). */
  evictKey(keyHash: string) { this.deps.bus.publish(CHANNEL, `key:${keyHash}`) }
  /** Call after changing an account's plan, role or blocked flag. */
  evictUser(userId: string) { this.deps.bus.publish(...userEviction(userId)) }

  async keyOwner(keyHash: string): Promise<KeyOwner | null> {
    const hit = this.keys.get(keyHash)
    if (hit) return hit
    const [row] = await this.deps.db.select({ keyId: apiKeys.id, userId: apiKeys.userId })
      .from(apiKeys).where(eq(apiKeys.keyHash, keyHash))
    if (row) this.keys.set(keyHash, row, { ttl: this.ttl() })
    return row ?? null
  }

  async user(userId: string): Promise<UserSnapshot | null> {
    const hit = this.users.get(userId)
    if (hit) return hit
    const [row] = await this.deps.db.select({
      id: users.id, email: users.email, role: users.role, plan: users.plan, blocked: users.blocked,
      tokensValidAfter: users.tokensValidAfter,
    }).from(users).where(eq(users.id, userId))
    if (row) this.users.set(userId, row, { ttl: this.ttl() })
    return row ?? null
  }
}

export async function authenticate(deps: Deps, callers: CallerCache, headers: Headers): Promise<Caller> {
  const credential = credentialOf(headers)
  if (!credential) throw new AppError('UNAUTHORIZED', 'Send an API key or token: Authorization: Bearer … or X-Api-Key')
  if (!credential.startsWith(API_KEY_PREFIX)) {
    const claims = await deps.tokens.verify(credential)
    const user = await callers.user(claims.sub)
    // A password reset sets tokensValidAfter: every token issued before it stops working.
    if (user?.tokensValidAfter && claims.iatMs < user.tokensValidAfter.getTime())
      throw new AppError('UNAUTHORIZED', 'The token was revoked; log in again')
    return callerOf(deps, user, null)
  }
  const owner = await callers.keyOwner(sha256Hex(credential))
  if (!owner) throw new AppError('API_KEY_INVALID', 'The API key does not exist or was revoked')
  return callerOf(deps, await callers.user(owner.userId), owner.keyId)
}

export function callerOf(deps: Deps, user: UserSnapshot | null, keyId: string | null): Caller {
  if (!user) throw new AppError('UNAUTHORIZED', 'The account no longer exists')
  if (user.blocked) throw new AppError('ACCOUNT_BLOCKED', 'This account is blocked')
  return { userId: user.id, email: user.email, role: user.role, plan: findPlan(deps.config.plans, user.plan), keyId }
}
