// The boundary between the redirect plane and the click plane, and the ClickHouse sink behind it.
import { unlink } from 'node:fs/promises'
import type { Logger } from '../shared/log'
import { ClickBuffer } from './buffer'
import type { BatchEnricher } from './enrich'
import type { EnrichedBatch } from './batch'
import { SpillLog, type SpilledBatch } from './spill'
import { BatchCounter, type BatchProbe } from './batch-counter'
import type { RawClick } from './raw-click'
import { ClickRing, RING_BYTES, type RingSlice } from './ring'
import { RELEASE_AT, type HeldClicks } from './held'

export interface ClickSink {
  /** False when pushed clicks are dropped: callers then need not build them. */
  readonly records: boolean
  /** Synchronous and cheap: called once per counted redirect. */
  push(click: RawClick): void
  /** Writes everything buffered; resolves when it is stored. */
  flush(): Promise<void>
  close(): Promise<void>
}

/** CLICKS_RECORD=false: redirects are served and nothing is recorded (no analytics, no click counters). */
export class DiscardingSink implements ClickSink {
  readonly records = false
  push() {}
  async flush() {}
  async close() {}
}

/** Keeps a count and the clicks it received: the sink of tests that do not need ClickHouse. */
export class CountingSink implements ClickSink {
  readonly records = true
  count = 0
  readonly received: RawClick[] = []
  constructor(private readonly keep = 10_000) {}
  push(click: RawClick) {
    this.count++
    if (this.received.length < this.keep) this.received.push(click)
  }
  async flush() {}
  async close() {}
}

/** What the ClickHouse sink needs; tests build it with their own pieces. */
export type ClickHouseSinkParts = {
  /** Inserts one batch as one insert carrying `token` as its insert_deduplication_token. */
  insert(batch: EnrichedBatch, token: string): Promise<void>
  /** Whether ClickHouse holds the batch this row was in (for a batch a killed process left in flight). */
  landed?(probe: BatchProbe): Promise<boolean>
  /** Adds the batch to the Postgres counters, in one statement, unless `token` was counted already. */
  count(batch: EnrichedBatch, token: string): Promise<void>
  enricher: BatchEnricher
  /** The accounts whose clicks link.clicked webhooks announce; asked once a drain. */
  announced?(): Promise<ReadonlySet<string>>
  spill: SpillLog
  /** Counts not yet in Postgres; by default in the spill's directory name + `-counts`. */
  countLog?: SpillLog
  /**
   * How long a flush waits on PostgreSQL (counters, subscribers) before going on without it
   * (default 1000); null: until it answers (PGlite, in-process, cannot be lost).
   */
  patienceMs?: number | null
  log: Logger
  /** The longest a click waits in the buffer before it is written. */
  flushMs: number
  batchMax: number
  /** Clicks kept as objects once the ring is full; at this many they are spilled. */
  bufferMax: number
  /** The click ring's size in bytes (default RING_BYTES). */
  ringBytes?: number
  /**
   * The embedded engine: batches smaller than RELEASE_AT are counted at once and their rows wait in
   * `clicks` for one larger insert: until `ms` after the oldest, RELEASE_AT clicks, a flush, or
   * releaseHeldNow (see held.ts).
   */
  hold?: {
    clicks: HeldClicks
    ms: number
    /** Inserts the rows of these files as one insert carrying `token`, without the links in `skipLinks`. */
    insert(files: string[], token: string, skipLinks: readonly string[]): Promise<void>
    /** The links with rows in these files that were deleted since. */
    gone?(files: string[]): Promise<string[]>
  }
  /** Runs after the last flush on close (closes the client). */
  afterClose?: () => Promise<void>
}

const MAX_RETRY_MS = 30_000

/**
 * An insert has a fixed cost (~16 ms of CPU in the embedded engine, whatever its size, and merges
 * after it), so clicks wait up to flushMs and go in as few inserts as that allows, however busy
 * the instance. Only a ring filled to this share is written at once: its other part takes the
 * clicks that arrive while the first is enriched and inserted.
 */
export const BUSY_RING_SHARE = 0.5
const TICK_MS = 1000
/**
 * Clicks waiting in the ring at which they are handed to the enrichment worker ahead of their
 * flush (when it can keep them: BatchEnricher.hold). At 10,000 clicks/s that is every 0.1 s, so
 * the worker's share of the core is spread out instead of taken all at once after each flush,
 * when the redirect thread would wait behind it; a small site's clicks wait for the flush.
 */
export const HOLD_AT = 1000

/**
 * Buffer → enrich → one insert per batch, counters per batch, spill on failure, replay in order.
 * Flushes are serialised: one drain runs at a time and at most one more waits behind it.
 */
export class ClickHouseSink implements ClickSink {
  readonly records = true
  readonly stats = { received: 0, inserted: 0, spilled: 0, replayed: 0, failures: 0 }
  /** Where pushed clicks wait, as bytes; `extra` takes them as objects while it is full. */
  private readonly ring: ClickRing
  private readonly extra: ClickBuffer<RawClick>
  private readonly timer: ReturnType<typeof setInterval>
  private readonly tickMs: number
  private readonly busyBytes: number
  private flushing = false
  private chain: Promise<void> = Promise.resolve()
  private queued: Promise<void> | null = null
  /** The queued drain was asked for by flush(): held clicks go in too, due or not. */
  private forceNext = false
  /** A releaseHeldNow that has not started yet: later calls share it. */
  private releasing: Promise<void> | null = null
  private overflow: Promise<void> = Promise.resolve()
  private retryAt = 0
  private retryMs = 500
  private spillPending = true // until a replay finds the spill empty
  private closed = false
  private announced: ReadonlySet<string> = new Set()
  private announcing: Promise<void> | null = null
  private announcedOk = true
  private recovered = false
  private readonly counter: BatchCounter
  /** Taken from the ring and handed to the worker ahead of the next drain (hold), not yet released. */
  private held: RingSlice | null = null
  private heldOldest: number | undefined
  private holding: Promise<void> | null = null
  private draining = false

  constructor(private readonly p: ClickHouseSinkParts) {
    this.counter = new BatchCounter({
      count: p.count, log: p.countLog ?? new SpillLog(`${p.spill.dir}-counts`, p.log, 'click counters log'), logger: p.log, patienceMs: p.patienceMs,
    })
    this.ring = new ClickRing(p.ringBytes ?? RING_BYTES)
    this.busyBytes = this.ring.capacity * BUSY_RING_SHARE
    this.extra = new ClickBuffer({
      batchMax: p.batchMax,
      bufferMax: p.bufferMax,
      onBatchReady: () => this.flushSoon(),
      onOverflow: (clicks) => this.spillOverflow(clicks),
    })
    this.tickMs = Math.min(TICK_MS, p.flushMs)
    this.timer = setInterval(() => {
      if (this.due(Date.now())) void this.queue(false).catch(() => {})
    }, this.tickMs)
    this.timer.unref?.()
  }

  /** Clicks pushed and not yet taken by a flush. */
  get buffered() {
    return this.ring.size + (this.held?.count ?? 0) + this.extra.size
  }

  /** Hands the clicks waiting in the ring to the worker now, beside the flushes, never during one. */
  private holdNow() {
    const hold = this.p.enricher.hold
    if (!hold || this.holding || this.draining) return
    const room = this.p.batchMax - (this.held?.count ?? 0)
    const oldest = this.ring.oldestTs()
    const slice = this.ring.take(Math.min(this.ring.size, room))
    if (!slice) return
    this.heldOldest ??= oldest
    this.held = this.held ? this.ring.join(this.held, slice) : slice
    // (a hold that fails costs nothing: the drain enriches those clicks then)
    this.holding = hold.call(this.p.enricher, slice, this.announced).catch(() => {}).finally(() => { this.holding = null })
  }

  /** A flush right after this task; one at a time, however many pushes ask for it. */
  private flushSoon() {
    if (this.flushing) return
    this.flushing = true
    setTimeout(() => {
      this.flushing = false
      void this.queue(false)
    }, 0)
  }

  /** Whether a tick flushes: clicks waited long enough or are many, or a spill, an unchecked batch or held clicks are due. */
  private due(now: number): boolean {
    if (this.spillPending || (!this.recovered && this.p.landed)) return true
    if (this.p.hold?.clicks.due(now, this.p.hold.ms) && now >= this.retryAt) return true
    const n = this.buffered
    if (n === 0) return false
    const oldest = Math.min(this.heldOldest ?? now, this.ring.oldestTs() ?? now, this.extra.oldest()?.ts ?? now)
    // (written at this tick when waiting for the next one would keep a click longer than flushMs)
    return now - oldest + this.tickMs > this.p.flushMs
  }

  /** Copies the click into the ring (nothing of it is kept); into `extra` while the ring is full. */
  push(click: RawClick) {
    this.stats.received++
    if (this.ring.push(click)) {
      const held = this.held?.count ?? 0
      if (this.ring.size + held >= this.p.batchMax || this.ring.waitingBytes + this.heldBytes() >= this.busyBytes) this.flushSoon()
      else if (this.ring.size >= HOLD_AT) this.holdNow()
      return
    }
    if (this.extra.size === 0) this.flushSoon()
    this.extra.push(click)
  }

  /** Also inserts the clicks held for a larger insert. */
  flush(): Promise<void> {
    return this.queue(true)
  }

  /**
   * Inserts the clicks held for a larger insert now, not those still in the ring: a read of the
   * analytics calls it, so that what it reads is as fresh as the flushes (at most one insert per
   * flush however many reads, as each flush holds one batch at most). Never rejects.
   */
  releaseHeldNow(): Promise<void> {
    if (!this.p.hold || this.p.hold.clicks.size === 0) return Promise.resolve()
    if (this.releasing) return this.releasing
    const next = this.chain.then(() => {
      this.releasing = null
      return this.releaseHeld(true)
    })
    this.releasing = next
    this.chain = next
    return next
  }

  /** `force`: held clicks go in too, due or not (a flush, a close); a tick's drain leaves them until due. */
  private queue(force: boolean): Promise<void> {
    if (force) this.forceNext = true
    // A drain that has not started yet will take everything pushed so far: share it.
    if (this.queued) return this.queued
    const next = this.chain.then(() => {
      this.queued = null
      const forced = this.forceNext
      this.forceNext = false
      return this.drain(forced)
    })
    this.queued = next
    this.chain = next.catch((e) => this.p.log.error('click flush failed', { error: String(e) }))
    return next
  }

  async close() {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    this.retryAt = 0 // one more try at the spill before exiting, even while backing off
    await this.overflow
    // Clicks pushed while a drain runs wait for the next one: drain until none is left.
    do await this.flush()
    while (this.buffered > 0)
    await this.counter.close()
    await this.p.afterClose?.()
  }

  private heldBytes() {
    return this.held ? this.held.to - this.held.from : 0
  }

  private async drain(force: boolean) {
    this.draining = true
    try {
      await this.drainAll()
      await this.releaseHeld(force)
    } finally {
      this.draining = false
    }
  }

  private async drainAll() {
    // Clicks detached at the bound are spilled first, so the replay below includes them.
    await this.overflow
    await this.holding
    if (!this.recovered && this.p.landed) {
      this.recovered = await this.counter.recover(this.p.landed).then(() => true, (e) => {
        this.p.log.warn('the batch in flight at the last stop could not be checked; will retry', { error: String(e) })
        return false
      })
    }
    if (this.spillPending) await this.replay()
    // Only what was buffered when this drain began: clicks that arrive meanwhile wait for the
    // next flush, instead of following each insert with another tiny one (each insert has a
    // fixed cost of tens of ms in the engine; see bench/clicks/insert-cost.ts).
    let left = this.buffered
    if (left > 0) await this.lookUpAnnounced()
    const takeNext = (): { slice: RingSlice | null; batch: Promise<EnrichedBatch> } | null => {
      if (left <= 0) return null
      const max = Math.min(left, this.p.batchMax)
      const slice = this.takeSlice(max)
      if (slice) {
        left -= slice.count
        return { slice, batch: this.p.enricher.enrichBatch(slice, this.announced) }
      }
      if (this.extra.size === 0) return null
      const clicks = this.extra.take(max)
      left -= clicks.length
      return { slice: null, batch: this.p.enricher.enrichBatch(clicks, this.announced) }
    }
    // Pipelined: the next batch is enriched while the engine stores the previous one.
    let next = takeNext()
    try {
      while (next) {
        const { slice, batch } = next
        next = null
        // (an enriched slice's bytes are no longer needed; one whose enrichment failed is dropped)
        const enriched = await batch.finally(() => slice && this.ring.release(slice))
        next = takeNext()
        await this.deliver(enriched)
      }
    } finally {
      // A delivery failed while the next slice was being enriched: it stays in the ring for the next drain.
      if (next?.slice) {
        await next.batch.then(unstaged, () => {})
        this.ring.untake(next.slice)
      }
    }
  }

  /** Up to `max` clicks: those held first (never more than batchMax), then the ring's oldest. */
  private takeSlice(max: number): RingSlice | null {
    const held = this.held
    this.held = null
    this.heldOldest = undefined
    if (!held) return this.ring.take(max)
    const more = max > held.count ? this.ring.take(max - held.count) : null
    return more ? this.ring.join(held, more) : held
  }

  /**
   * The clicks are stored first: in ClickHouse, or in the spill while it is down or while older
   * batches wait there (order is kept). The counters follow, without waiting for ClickHouse, and
   * never hold the clicks back.
   */
  private async deliver(batch: EnrichedBatch) {
    const token = Bun.randomUUIDv7()
    if (await this.hold(batch, token)) return this.counter.add(batch, token)
    if (!this.spillPending && this.p.landed && this.recovered) await this.counter.expect(batch, token)
    const inserted = !this.spillPending && await this.p.insert(batch, token).then(() => true, (error) => {
      this.p.log.warn('click batch not stored; spilled for replay', { rows: batch.size, error: String(error) })
      this.failed()
      return false
    })
    if (inserted) this.stats.inserted += batch.size
    // (counted: false, so that a kill between the two writes cannot leave it uncounted; its replay
    // counts it again, which the token makes a no-op.)
    else await this.toSpill({ token, counted: false, ...unstaged(batch) })
    await this.counter.add(batch, token)
    if (inserted && this.p.landed) await this.counter.settled()
  }

  /** Keeps a small batch of the embedded engine for a larger insert; false when it is to be inserted now. */
  private async hold(batch: EnrichedBatch, token: string): Promise<boolean> {
    const hold = this.p.hold
    // (not while ClickHouse fails: batches then keep their order in the spill)
    if (!hold || this.spillPending || batch.staged === undefined || batch.size >= RELEASE_AT) return false
    return hold.clicks.hold({ ...batch, staged: batch.staged }, token).then(() => true, (error) => {
      this.p.log.warn('click batch could not be held; inserting it now', { rows: batch.size, error: String(error) })
      return false
    })
  }

  /** Inserts the held clicks as one insert when due (or forced); kept on disk for the next try if it fails. */
  private async releaseHeld(force: boolean) {
    const hold = this.p.hold
    if (!hold || hold.clicks.size === 0 || Date.now() < this.retryAt) return
    if (!force && !hold.clicks.due(Date.now(), hold.ms)) return
    const gone = hold.gone
    await hold.clicks.release({
      insert: hold.insert,
      // (PostgreSQL that does not answer must not hold the clicks back: they go in unfiltered)
      gone: gone && ((files) => this.patiently(gone(files))),
      count: (batch, token) => this.counter.add(batch, token),
    }).then((n) => {
      this.stats.inserted += n
    }, (error) => {
      this.p.log.warn('held clicks not stored yet; will retry', { clicks: hold.clicks.size, error: String(error) })
      this.failed()
    })
  }

  /** Rejects once the patience with PostgreSQL is over (never without one). */
  private patiently<T>(answer: Promise<T>): Promise<T> {
    const ms = this.p.patienceMs === undefined ? 1000 : this.p.patienceMs
    if (ms === null) return answer
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms) })
    return Promise.race([answer, late]).finally(() => clearTimeout(timer))
  }

  /**
   * The accounts whose clicks are announced, asked once a drain. While PostgreSQL answers, a drain
   * waits for the answer up to the patience; once a look-up failed, drains go on with the last
   * answer and the look-ups are retried beside them.
   */
  private async lookUpAnnounced() {
    if (!this.p.announced || this.announcing) return
    const waits = this.announcedOk
    this.announcing = this.p.announced()
      .then((a) => { this.announced = a; this.announcedOk = true }, () => { this.announcedOk = false })
      .finally(() => { this.announcing = null })
    if (waits) await this.patiently(this.announcing).catch(() => {})
  }

  private async replay() {
    if (Date.now() < this.retryAt) return
    const result = await this.p.spill.replay(async (batch) => {
      await this.p.insert(batch, batch.token)
      if (!batch.counted) {
        await this.counter.add(batch, batch.token)
        batch.counted = true
      }
      this.stats.replayed += batch.size
    }).catch((e) => {
      this.p.log.warn('click spill could not be read', { error: String(e) })
      return { delivered: 0, complete: false }
    })
    if (result.complete) {
      this.spillPending = false
      this.retryMs = 500
    } else this.failed()
  }

  private failed() {
    this.stats.failures++
    this.spillPending = true
    this.retryAt = Date.now() + this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
  }

  private async toSpill(batch: SpilledBatch) {
    await this.p.spill.append(batch)
    this.stats.spilled += batch.size
    this.spillPending = true
  }

  /** At the bound: enrich and spill the detached clicks, beside the flusher, not behind it. */
  private spillOverflow(clicks: RawClick[]) {
    this.p.log.warn('click buffer full; spilling', { clicks: clicks.length })
    this.overflow = this.overflow.then(async () => {
      const batch = await this.p.enricher.enrichBatch(clicks, this.announced)
      await this.toSpill({ token: Bun.randomUUIDv7(), counted: false, ...batch })
    }).catch((e) => this.p.log.error('click overflow could not be spilled', { error: String(e) }))
  }

  metrics(): string[] {
    const s = this.stats
    return [
      '# TYPE kurz_clicks_received_total counter', `kurz_clicks_received_total ${s.received}`,
      '# TYPE kurz_clicks_inserted_total counter', `kurz_clicks_inserted_total ${s.inserted}`,
      '# TYPE kurz_clicks_spilled_total counter', `kurz_clicks_spilled_total ${s.spilled}`,
      '# TYPE kurz_clicks_replayed_total counter', `kurz_clicks_replayed_total ${s.replayed}`,
      '# TYPE kurz_click_flush_failures_total counter', `kurz_click_flush_failures_total ${s.failures}`,
      '# TYPE kurz_click_spill_corrupt_lines_total counter', `kurz_click_spill_corrupt_lines_total ${this.p.spill.corruptLines}`,
      '# TYPE kurz_click_buffer_size gauge', `kurz_click_buffer_size ${this.buffered}`,
      '# TYPE kurz_clicks_held gauge', `kurz_clicks_held ${this.p.hold?.clicks.size ?? 0}`,
      '# TYPE kurz_click_counts_logged_total counter', `kurz_click_counts_logged_total ${this.counter.stats.logged}`,
      '# TYPE kurz_click_counts_replayed_total counter', `kurz_click_counts_replayed_total ${this.counter.stats.replayed}`,
    ]
  }
}

/** The batch without its staged file, which is removed: it is spilled or enriched again instead. */
function unstaged(batch: EnrichedBatch): EnrichedBatch {
  if (batch.staged === undefined) return batch
  const { staged, ...rest } = batch
  void unlink(staged).catch(() => {})
  return rest
}
