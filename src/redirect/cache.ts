// The slim copy of a link that the redirect plane keeps, and the two cache tiers that hold it.
import { LRUCache } from 'lru-cache'
import type Redis from 'ioredis'
import type { Bus } from '../shared/redis'

export type LinkEntry = {
  id: string
  ownerId: string
  /** Destination for kind `url`; null for typed links, whose page is /l/{slug}. */
  target: string | null
  status: 'ACTIVE' | 'EXPIRED' | 'USED' | 'DISABLED'
  /** Epoch milliseconds, 0 for none. */
  expiresAt: number
  singleUse: boolean
  kind: 'url' | 'wifi' | 'vcard' | 'text'
}

/** A cached "no such link", so that enumeration never reaches Postgres. */
export const MISS = 0 as const
export type Cached = LinkEntry | typeof MISS

export const cacheKey = (domain: string, slug: string) => `${domain}/${slug}`

/**
 * The rules of every route that serves a link: unknown or disabled is `missing` (404), expired or
 * used up is `gone` (410). The clock is read only for links that have an expiry.
 */
export function stateOf(entry: Cached): 'missing' | 'gone' | 'live' {
  if (entry === MISS || entry.status === 'DISABLED') return 'missing'
  if (entry.status !== 'ACTIVE' || (entry.expiresAt !== 0 && entry.expiresAt <= Date.now())) return 'gone'
  return 'live'
}

export function toLinkEntry(row: {
  id: string; userId: string; originalUrl: string | null; status: LinkEntry['status']
  expiresAt: Date | null; singleUse: boolean; kind: LinkEntry['kind']
}): LinkEntry {
  return {
    id: row.id,
    ownerId: row.userId,
    target: row.kind === 'url' ? row.originalUrl : null,
    status: row.status,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : 0,
    singleUse: row.singleUse,
    kind: row.kind,
  }
}

const CHANNEL = 'links'

export type LinkCacheOptions = {
  lruMax: number
  lruTtlMs: number
  negativeTtlMs: number
  redisTtlSeconds: number
  redisPrefix: string
}

/**
 * LRU in front of Redis. Writers call `publish` after their transaction commits: Redis gets the
 * new entry (or a tombstone), and every instance evicts the key from its LRU.
 */
export class LinkCache {
  readonly lru: LRUCache<string, Cached>
  private generation = 0
  private readonly invalidatedAt = new Map<string, number>()

  constructor(
    private readonly opts: LinkCacheOptions,
    private readonly redis: Redis | null,
    private readonly bus: Bus,
  ) {
    this.lru = new LRUCache<string, Cached>({ max: Math.max(opts.lruMax, 1), ttl: opts.lruTtlMs, ttlAutopurge: false })
    bus.subscribe(CHANNEL, (key) => this.evict(key))
    // While the bus was down we may have missed evictions: start over from Redis and Postgres.
    bus.onReconnect(() => this.lru.clear())
  }

  /** Synchronous LRU look-up: undefined when not cached here. */
  peek(key: string): Cached | undefined {
    return this.lru.get(key)
  }

  /** A fill may keep its result only if no eviction of the key arrived since it began. */
  startFill(): number {
    return this.generation
  }

  fillLocal(key: string, value: Cached, startedAt: number) {
    if ((this.invalidatedAt.get(key) ?? -1) > startedAt) return
    if (value === MISS) {
      if (this.opts.negativeTtlMs > 0) this.lru.set(key, MISS, { ttl: this.opts.negativeTtlMs })
    } else if (this.opts.lruMax > 0) this.lru.set(key, value)
  }

  async getShared(key: string): Promise<Cached | undefined> {
    if (!this.redis) return undefined
    try {
      const raw = await this.redis.get(this.redisKey(key))
      if (raw === null) return undefined
      return raw === '0' ? MISS : (JSON.parse(raw) as LinkEntry)
    } catch {
      return undefined // Redis away: fall through to Postgres
    }
  }

  /** Fills Redis only where nothing is: a writer's newer entry always wins over a reader's fill. */
  fillShared(key: string, value: Cached) {
    if (!this.redis) return
    const ttl = value === MISS ? Math.max(1, Math.ceil(this.opts.negativeTtlMs / 1000)) : this.opts.redisTtlSeconds
    if (value === MISS && this.opts.negativeTtlMs === 0) return
    this.redis.set(this.redisKey(key), value === MISS ? '0' : JSON.stringify(value), 'EX', ttl, 'NX').catch(() => {})
  }

  /** After a committed write: the new entry (null when the link is gone) to Redis, then evict everywhere. */
  async publish(key: string, entry: LinkEntry | null) {
    if (this.redis) {
      const value = entry ? JSON.stringify(entry) : '0'
      const ttl = entry ? this.opts.redisTtlSeconds : Math.max(60, Math.ceil(this.opts.negativeTtlMs / 1000))
      await this.redis.set(this.redisKey(key), value, 'EX', ttl).catch(() => this.redis!.del(this.redisKey(key)).catch(() => {}))
    }
    this.bus.publish(CHANNEL, key)
  }

  private evict(key: string) {
    this.generation++
    this.invalidatedAt.set(key, this.generation)
    // Only fills that started before an eviction need the record; keep the map small.
    if (this.invalidatedAt.size > 10_000) this.invalidatedAt.clear()
    this.lru.delete(key)
  }

  private redisKey(key: string) {
    return `${this.opts.redisPrefix}link:${key}`
  }
}
