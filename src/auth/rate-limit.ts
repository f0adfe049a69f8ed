// Fixed-window counters: shared through Redis (one round trip: INCR and PEXPIRE in one MULTI),
// in-process without it, and in-process again whenever Redis fails, so a limit never causes a 500.
import type Redis from 'ioredis'

export type Verdict = {
  allowed: boolean
  limit: number
  remaining: number
  /** Unix seconds at which the window ends. */
  reset: number
  /** Whole seconds until the window ends (≥ 1). */
  retryAfter: number
}

type Local = { window: number; count: number; endMs: number }

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
