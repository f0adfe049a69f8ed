// Per-key request counts and last use, kept in memory and written in one statement per flush:
// a database write per request would cap the API at the database's write rate.
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import type { Logger } from '../shared/log'

type Pending = { requests: Map<string, number>; lastUsedAt: Date }

export const FLUSH_INTERVAL_MS = 10_000

export class KeyUsageRecorder {
  private pending = new Map<string, Pending>()
  private timer: ReturnType<typeof setInterval> | null = null
  private flushing: Promise<void> = Promise.resolve()

  constructor(private readonly db: Db, private readonly log: Logger, intervalMs = FLUSH_INTERVAL_MS) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.flush(), intervalMs)
      this.timer.unref?.()
    }
  }

  record(keyId: string, at: Date) {
    const day = at.toISOString().slice(0, 10)
    let p = this.pending.get(keyId)
    if (!p) this.pending.set(keyId, (p = { requests: new Map(), lastUsedAt: at }))
    p.requests.set(day, (p.requests.get(day) ?? 0) + 1)
    if (at > p.lastUsedAt) p.lastUsedAt = at
  }

  /** Writes what accumulated; additive, so instances flushing the same key never lose counts. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write())
    return this.flushing
  }

  stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async write() {
    if (this.pending.size === 0) return
    const batch = this.pending
    this.pending = new Map()
    const rows = [...batch].flatMap(([keyId, p]) => [...p.requests].map(([day, n]) => ({ key_id: keyId, day, n })))
    const seen = [...batch].map(([keyId, p]) => ({ key_id: keyId, at: p.lastUsedAt.toISOString() }))
    try {
      await this.db.transaction(async (tx) => {
        // Joined with api_keys: counts of a key deleted meanwhile are dropped, not an FK error.
        await tx.execute(sql`
          insert into api_key_usage (key_id, day, requests)
          select r.key_id, r.day::date, r.n from json_to_recordset(${JSON.stringify(rows)}::json)
            as r(key_id text, day text, n bigint)
          join api_keys k on k.id = r.key_id
          on conflict (key_id, day) do update set requests = api_key_usage.requests + excluded.requests`)
        await tx.execute(sql`
          update api_keys k set last_used_at = greatest(k.last_used_at, s.at::timestamptz)
          from json_to_recordset(${JSON.stringify(seen)}::json) as s(key_id text, at text)
          where k.id = s.key_id`)
      })
    } catch (e) {
      this.log.warn('could not write API key usage; keeping it for the next flush', { error: String(e) })
      this.merge(batch)
    }
  }

  private merge(batch: Map<string, Pending>) {
    for (const [keyId, p] of batch) {
      const cur = this.pending.get(keyId)
      if (!cur) { this.pending.set(keyId, p); continue }
      for (const [day, n] of p.requests) cur.requests.set(day, (cur.requests.get(day) ?? 0) + n)
      if (p.lastUsedAt > cur.lastUsedAt) cur.lastUsedAt = p.lastUsedAt
    }
  }
}
