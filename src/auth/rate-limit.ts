// Fixed-window counters: shared through Redis (one round trip: INCR and PEXPIRE in one MULTI, or
// one Lua script for a hit on several counters at once), in-process without it, and in-process
// again whenever Redis fails, so a limit never causes a 500.
import type Redis from 'ioredis'
import { luaScript } from '../shared/redis'

export type Verdict = {
  allowed: boolean
  limit: number
  remaining: number
  /** Unix seconds at which the window ends. */
  reset: number
  /** Whole seconds until the window ends (≥ 1). */
  retryAfter: number
  /** Of a hit on several rules: the index of the binding one. */
  binding?: number
}

type Local = { window: number; count: number; endMs: number }

/** One counter and its limit; a hit of several rules counts on all of them or on none. */
export type Rule = { bucket: string; limit: number }

// One atomic step for several counters: the hit counts on every counter only when it fits under
// every limit, so a refused hit uses up no one's budget and concurrent hits never overshoot.
// Answers [allowed, count1, count2, …]: the counts after the hit, or as they were if it was refused.
const HIT_ALL = `
local n = #KEYS
local out = { 1 }
for i = 1, n do
  out[i + 1] = tonumber(redis.call('GET', KEYS[i]) or '0')
  if out[i + 1] >= tonumber(ARGV[i]) then out[1] = 0 end
end
if out[1] == 1 then
  for i = 1, n do
    out[i + 1] = redis.call('INCR', KEYS[i])
    redis.call('PEXPIRE', KEYS[i], ARGV[n + 1])
  end
end
return out`
const hitAllScript = luaScript(HIT_ALL)

export class RateLimiter {
  private readonly local = new Map<string, Local>()
  private sweepAt = 0

  constructor(private readonly redis: Redis | null, private readonly prefix: string) {}

  /** Counts one hit on `bucket` in the current window of `windowMs`, and says whether it fits in `limit`. */
  async hit(bucket: string, limit: number, windowMs: number, nowMs: number): Promise<Verdict> {
    const window = Math.floor(nowMs / windowMs)
    const count = (await this.sharedCount(bucket, window, windowMs)) ?? this.localCount(bucket, window, windowMs, nowMs)
    const endMs = (window + 1) * windowMs
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      reset: Math.ceil(endMs / 1000),
      retryAfter: Math.max(1, Math.ceil((endMs - nowMs) / 1000)),
    }
  }

  /**
   * Counts one hit on every rule's bucket in the current window of `windowMs` if it fits under every
   * limit. The verdict is that of the binding rule: the refusing one, else the one with least left.
   * Redis Cluster needs all the buckets of one hit in one slot: give them a common {hash tag}.
   */
  async hitAll(rules: readonly Rule[], windowMs: number, nowMs: number): Promise<Verdict> {
    const window = Math.floor(nowMs / windowMs)
    const { allowed, counts } = (await this.sharedCounts(rules, window, windowMs)) ?? this.localCounts(rules, window, windowMs, nowMs)
    let bind = 0
    for (let i = 1; i < rules.length; i++)
      if (rules[i].limit - counts[i] < rules[bind].limit - counts[bind]) bind = i
    const endMs = (window + 1) * windowMs
    return {
      allowed,
      limit: rules[bind].limit,
      remaining: Math.max(0, rules[bind].limit - counts[bind]),
      reset: Math.ceil(endMs / 1000),
      retryAfter: Math.max(1, Math.ceil((endMs - nowMs) / 1000)),
      binding: bind,
    }
  }

  private async sharedCounts(rules: readonly Rule[], window: number, windowMs: number) {
    if (!this.redis) return null
    try {
      const keys = rules.map((r) => `${this.prefix}rl:${r.bucket}:${window}`)
      const res = await hitAllScript(this.redis, keys, ...rules.map((r) => r.limit), windowMs + 5_000) as number[]
      return { allowed: res[0] === 1, counts: res.slice(1).map(Number) }
    } catch {
      return null // Redis away: this instance limits on its own until it is back
    }
  }

  private localCounts(rules: readonly Rule[], window: number, windowMs: number, nowMs: number) {
    this.sweep(nowMs)
    const entries = rules.map((r) => {
      const entry = this.local.get(r.bucket)
      if (entry && entry.window === window) return entry
      const fresh = { window, count: 0, endMs: (window + 1) * windowMs }
      this.local.set(r.bucket, fresh)
      return fresh
    })
    const allowed = entries.every((e, i) => e.count < rules[i].limit)
    if (allowed) for (const e of entries) e.count++
    return { allowed, counts: entries.map((e) => e.count) }
  }

  private async sharedCount(bucket: string, window: number, windowMs: number): Promise<number | null> {
    if (!this.redis) return null
    const key = `${this.prefix}rl:${bucket}:${window}`
    try {
      const res = await this.redis.multi().incr(key).pexpire(key, windowMs + 5_000).exec()
      const [err, value] = res?.[0] ?? [new Error('empty reply'), null]
      if (err) throw err
      return Number(value)
    } catch {
      return null // Redis away: this instance limits on its own until it is back
    }
  }

  private localCount(bucket: string, window: number, windowMs: number, nowMs: number): number {
    this.sweep(nowMs)
    const entry = this.local.get(bucket)
    if (!entry || entry.window !== window) {
      this.local.set(bucket, { window, count: 1, endMs: (window + 1) * windowMs })
      return 1
    }
    return ++entry.count
  }

  /** Forgets finished windows now and then, so idle buckets do not pile up. */
  private sweep(nowMs: number) {
    if (nowMs < this.sweepAt) return
    this.sweepAt = nowMs + 60_000
    for (const [k, v] of this.local) if (v.endMs <= nowMs) this.local.delete(k)
  }
}

export const rateLimitHeaders = (v: Verdict): Record<string, string> => ({
  'x-ratelimit-limit': String(v.limit),
  'x-ratelimit-remaining': String(v.remaining),
  'x-ratelimit-reset': String(v.reset),
})
