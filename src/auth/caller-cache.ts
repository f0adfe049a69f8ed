// Short-lived caches of key → owner and owner → account, one per app (a field of Deps), evicted
// over the bus on every instance when a key is revoked or an account changes.
import { eq } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import type { Config } from '../config'
import type { Db } from '../db/client'
import { apiKeys, users } from '../db/schema'
import type { Bus } from '../shared/redis'

type KeyOwner = { keyId: string; userId: string }
export type UserSnapshot = {
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

  constructor(private readonly deps: { db: Db; bus: Bus; config?: Pick<Config, 'cache'> }) {
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
