// The two local cache tiers and Redis that hold link entries, and the writers' way to update them.
import { LRUCache } from 'lru-cache'
import type Redis from 'ioredis'
import type { Bus } from '../shared/redis'
import { ArenaLru } from './arena-lru'
import { entryCodec, fromSharedText, toSharedText } from './entry-codec'
import { type Cached, type LinkEntry, type LinkEntryRow, MISS, cacheKey, toLinkEntry } from './link-entry'

const CHANNEL = 'links'
/** Links kept as objects in front of the arena, answered without decoding. */
export const HOT_MAX = 50_000
/**
 * A link is promoted to the hot tier when the arena answers it twice within this time: links
 * hit less often gain little from it, and a scan over many links would only churn it.
 */
const PROMOTE_WITHIN_MS = 1000
/**
 * Once the hot tier is full, one such link in this many is promoted: each promotion evicts a
 * hot link (~1.5 µs), and a set of links larger than the tier, cycled through, would otherwise
 * pay that on every hit. Links that stay hot get in after a few more hits.
 */
const PROMOTE_WHEN_FULL_ONE_IN = 16

export type LinkCacheOptions = {
  lruMax: number
  lruTtlMs: number
  negativeTtlMs: number
  redisTtlSeconds: number
  redisPrefix: string
  /** Local TTL while the bus is degraded (Redis unreachable): evictions from other instances are lost. */
  degradedTtlMs?: number
}

/**
 * Two local tiers in front of Redis: the arena holds every cached link (and miss) as bytes off
 * the JS heap, and a small LRU of objects in front of it answers the hottest links without
 * decoding. Only links hit again soon enter the hot tier (never a fill, never a miss), so a
 * scan of cold or unknown slugs cannot push the hot links out. Writers call `refresh` or `forget`
 * after their transaction commits: Redis gets the new entry (or a tombstone), and every instance
 * evicts the key from both tiers.
 */
export class LinkCache {
  // ES private (#), not TS `private`: Elysia's decorate() deep-merges the objects that deps
  // reach, and would walk every byte of the arena (seconds per createApp).
  readonly #arena: ArenaLru<Cached>
  readonly #hot: LRUCache<string, LinkEntry>
  private promotable = 0
  private generation = 0
  private readonly invalidatedAt = new Map<string, number>()
  /** Keys whose new entry could not be written to Redis: evicted everywhere again when it is back. */
  private readonly unsynced = new Set<string>()
  /** Back from an outage, but Redis not yet cleared of what may be stale: treated as degraded. */
  private recovering = false
  private recoveries = 0
  /** The generation at which `invalidatedAt` last started over: older fills may have lost their record. */
  private forgottenBefore = 0
  /** Look-ups of keys not cached here, under way, with the generation each began at. */
  private readonly looking = new Map<string, { startedAt: number; value: Promise<Cached> }>()

  constructor(
    private readonly opts: LinkCacheOptions,
    private readonly redis: Redis | null,
    private readonly bus: Bus,
  ) {
    // With the LRU off (lruMax 0) misses are still remembered, in a tier of one.
    this.#arena = new ArenaLru({ max: Math.max(opts.lruMax, 1), ttlMs: opts.lruTtlMs, codec: entryCodec })
    // ttlResolution 0: read the clock on each get. lru-cache's default (1 ms) caches the reading
    // behind a new 1 ms setTimeout, so a server that is busy but not saturated ran a timer a millisecond.
    this.#hot = new LRUCache<string, LinkEntry>({ max: Math.max(Math.min(opts.lruMax, HOT_MAX), 1), ttlAutopurge: false, ttlResolution: 0 })
    bus.subscribe(CHANNEL, (key) => this.evict(key))
    // While the bus was down we may have missed evictions: start over from Redis and Postgres.
    bus.onReconnect(() => { this.clearLocal(); void this.recover() })
    // Entries cached before the outage would otherwise outlive evictions that can no longer arrive.
    bus.onDegraded(() => this.clearLocal())
  }

  /** Links and misses cached in this process. */
  get size(): number {
    return this.#arena.size
  }

  /** Of those, the links also held as objects in the hot tier. */
  get hotSize(): number {
    return this.#hot.size
  }

  /** Bytes of the arena's typed arrays (the hot tier's objects are on the JS heap). */
  get arenaBytes(): number {
    return this.#arena.memoryBytes
  }

  /** Synchronous local look-up: undefined when not cached here. */
  peek(key: string): Cached | undefined {
    const hot = this.#hot.get(key)
    if (hot !== undefined) return hot
    const cached = this.#arena.get(key)
    if (cached !== undefined && cached !== MISS && this.#arena.hitGapMs < PROMOTE_WITHIN_MS) this.promote(key, cached)
    return cached
  }

  private promote(key: string, entry: LinkEntry) {
    if (this.#hot.size >= this.#hot.max && ++this.promotable % PROMOTE_WHEN_FULL_ONE_IN !== 0) return
    // For the rest of its life in the arena, not a new one.
    const ttl = Math.min(this.opts.lruTtlMs, Math.ceil(this.#arena.hitExpiresAt - this.#arena.now()))
    this.#hot.set(key, entry, { ttl: Math.max(ttl, 1) })
  }

  /** A fill may keep its result only if no eviction of the key arrived since it began. */
  startFill(): number {
    return this.generation
  }

  /**
   * The look-up of `key` under way, when a request may share its answer instead of querying again:
   * only if no eviction of the key arrived since it began (its answer may be older than that).
   */
  lookingUp(key: string): Promise<Cached> | undefined {
    const under = this.looking.get(key)
    return under && !this.evictedSince(key, under.startedAt) ? under.value : undefined
  }

  /** Runs the look-up of `key`, where lookingUp finds it until it settles. */
  lookUp(key: string, run: () => Promise<Cached>): Promise<Cached> {
    const under = { startedAt: this.generation, value: run() }
    this.looking.set(key, under)
    const done = () => { if (this.looking.get(key) === under) this.looking.delete(key) }
    under.value.then(done, done)
    return under.value
  }

  private evictedSince(key: string, startedAt: number) {
    return startedAt < this.forgottenBefore || (this.invalidatedAt.get(key) ?? -1) > startedAt
  }

  fillLocal(key: string, value: Cached, startedAt: number) {
    if (this.evictedSince(key, startedAt)) return
    // A copy in the hot tier would now be older than the arena's.
    this.#hot.delete(key)
    const brief = this.shaky() ? this.opts.degradedTtlMs ?? 3000 : undefined
    if (value === MISS) {
      if (this.opts.negativeTtlMs > 0) this.#arena.set(key, MISS, Math.min(this.opts.negativeTtlMs, brief ?? Infinity))
    } else if (this.opts.lruMax > 0) this.#arena.set(key, value, brief)
  }

  async getShared(key: string): Promise<Cached | undefined> {
    // Degraded: Redis may hold entries that a writer failed to replace; Postgres is the truth.
    if (!this.redis || this.shaky()) return undefined
    try {
      const raw = await this.redis.get(this.redisKey(key))
      if (raw === null) return undefined
      const entry = fromSharedText(raw)
      // Another layout: dropped, so that this reader's fill (NX) can replace it; a drop loses nothing but a cached copy.
      if (entry === undefined) this.redis.del(this.redisKey(key)).catch(() => {})
      return entry
    } catch {
      return undefined // Redis away: fall through to Postgres
    }
  }

  /** Fills Redis only where nothing is: a writer's newer entry always wins over a reader's fill. */
  fillShared(key: string, value: Cached) {
    if (!this.redis || this.shaky()) return
    const ttl = value === MISS ? Math.max(1, Math.ceil(this.opts.negativeTtlMs / 1000)) : this.opts.redisTtlSeconds
    if (value === MISS && this.opts.negativeTtlMs === 0) return
    this.redis.set(this.redisKey(key), toSharedText(value), 'EX', ttl, 'NX').catch(() => {})
  }

  /** After a committed write of a link (created, changed, expired, used up): every instance serves the row as it now is. */
  refresh(row: LinkEntryRow & { domain: string; slug: string }): Promise<void> {
    return this.publish(cacheKey(row.domain, row.slug), toLinkEntry(row))
  }

  /** After a committed delete or move of a link: (domain, slug) answers "not found" everywhere. */
  forget(domain: string, slug: string): Promise<void> {
    return this.publish(cacheKey(domain, slug), null)
  }

  /** The new entry (null when the link is gone) to Redis, then evict everywhere. Writers use refresh and forget. */
  async publish(key: string, entry: LinkEntry | null) {
    if (this.redis) {
      const value = toSharedText(entry ?? MISS)
      const ttl = entry ? this.opts.redisTtlSeconds : Math.max(60, Math.ceil(this.opts.negativeTtlMs / 1000))
      await this.redis.set(this.redisKey(key), value, 'EX', ttl)
        .catch(() => this.redis!.del(this.redisKey(key)))
        .catch(() => void this.unsynced.add(key))
    }
    this.bus.publish(CHANNEL, key)
  }

  private evict(key: string) {
    this.generation++
    this.invalidatedAt.set(key, this.generation)
    // Only fills that started before an eviction need the record; keep the map small. Starting
    // over forgets this eviction too, so every fill already in flight is refused instead.
    if (this.invalidatedAt.size > 10_000) this.forgetEvictions()
    this.#hot.delete(key)
    this.#arena.delete(key)
  }

  private shaky(): boolean {
    return this.recovering || this.bus.degraded()
  }

  /**
   * After an outage Redis still holds entries that writers could not replace meanwhile (for up to
   * REDIS_LINK_TTL_SECONDS, and the writer may be gone). Every link entry there is dropped before
   * this instance reads Redis again; then the keys it failed to write are evicted everywhere.
   */
  private async recover(): Promise<void> {
    const run = ++this.recoveries
    this.recovering = true
    while (!(await this.flushShared().then(() => true, () => false))) {
      await Bun.sleep(1000)
      if (run !== this.recoveries) return
    }
    if (run !== this.recoveries) return
    this.recovering = false
    for (const key of this.unsynced) this.bus.publish(CHANNEL, key)
    this.unsynced.clear()
  }

  private async flushShared(): Promise<void> {
    let cursor = '0'
    do {
      const [next, keys] = await this.redis!.scan(cursor, 'MATCH', `${this.opts.redisPrefix}link:*`, 'COUNT', 1000)
      if (keys.length) await this.redis!.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
  }

  private forgetEvictions() {
    this.invalidatedAt.clear()
    this.forgottenBefore = ++this.generation
  }

  private clearLocal() {
    // Evictions may have been missed: fills in flight may hold what they would have evicted.
    this.forgetEvictions()
    this.#hot.clear()
    this.#arena.clear()
  }

  private redisKey(key: string) {
    return `${this.opts.redisPrefix}link:${key}`
  }
}
