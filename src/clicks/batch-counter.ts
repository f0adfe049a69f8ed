// Adds each stored batch to the Postgres counters without holding the click flush on PostgreSQL:
// counts that are not written within a moment go to a local counters log (a SpillLog of batches
// without rows, beside the click spill) and are applied from it in the background, once
// PostgreSQL answers. Every batch carries its token, and the counters skip a token they already
// hold, so a batch both written late and replayed is counted once.
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../shared/log'
import { jsonWithCounts, type EnrichedBatch } from './batch'
import type { SpilledBatch, SpillLog } from './spill'

/** One row of a batch, enough to find out whether the batch reached ClickHouse. */
export type BatchProbe = { eventId: string; ownerId: string; linkId: string }

export type BatchCounterParts = {
  /** Adds the batch to the counters in one transaction, unless `token` was counted already. */
  count(batch: EnrichedBatch, token: string): Promise<void>
  log: SpillLog
  logger: Logger
  /** How long a flush waits for the counters before logging them (default 1000); null: until they answer. */
  patienceMs?: number | null
}

const NO_ROWS = new Uint8Array(0)
const MAX_RETRY_MS = 5000
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.())

export class BatchCounter {
  readonly stats = { logged: 0, replayed: 0 }
  /** While the log holds entries; a previous run may have left some, which the first replay finds. */
  private pending = false
  private retryAt = 0
  private retryMs = 250
  private replaying: Promise<void> | null = null
  private closed = false

  constructor(private readonly p: BatchCounterParts) {
    this.kick()
  }

  /** Resolves once the batch is counted or its counts are in the log; never rejects for PostgreSQL. */
  async add(batch: EnrichedBatch, token: string): Promise<void> {
    if (batch.counts.length === 0) return
    if (this.pending) return this.defer(batch, token)
    const counting = this.p.count(batch, token)
    const outcome = await Promise.race([
      counting.then(() => 'counted' as const, (error: unknown) => ({ error })),
      ...(this.p.patienceMs === null ? [] : [sleep(this.p.patienceMs ?? 1000).then(() => 'slow' as const)]),
    ])
    if (outcome === 'counted') return
    // Durable first; a slow statement that still lands makes the replay a no-op.
    await this.defer(batch, token)
    if (outcome === 'slow') counting.catch((error) => this.failed(error))
    else this.failed(outcome.error)
  }

  /**
   * Written before a batch's insert: a process killed after ClickHouse stored the batch but before
   * its counts were written or logged leaves this file, and the next start counts the batch if
   * ClickHouse has it (see `recover`). One at a time: batches are delivered one after the other.
   */
  async expect(batch: EnrichedBatch, token: string): Promise<void> {
    const probe = probeOf(batch)
    if (!probe || batch.counts.length === 0) return
    await mkdir(this.p.log.dir, { recursive: true })
    await writeFile(this.inFlight, jsonWithCounts({ token, probe, facts: batch.facts, factsSkipped: batch.factsSkipped }, batch))
  }

  /** The batch in flight is counted or logged: a later start has nothing to check. */
  async settled(): Promise<void> {
    await rm(this.inFlight, { force: true })
  }

  /** Counts the batch a killed process left in flight, if ClickHouse has it; throws while it cannot tell. */
  async recover(landed: (probe: BatchProbe) => Promise<boolean>): Promise<void> {
    const text = await readFile(this.inFlight, 'utf8').catch(() => null)
    const left = text === null ? null : (() => { try { return JSON.parse(text) } catch { return null } })()
    if (left?.probe && await landed(left.probe)) await this.add({ size: 0, tsv: NO_ROWS, ...left }, left.token)
    await rm(this.inFlight, { force: true })
  }

  private get inFlight() {
    return join(this.p.log.dir, 'in-flight.json')
  }

  /** One last attempt at the log (bounded by the database's own timeouts); what is left waits for the next start. */
  async close() {
    this.closed = true
    await this.replaying
    if (this.pending) await this.replayOnce()
  }

  private async defer(batch: EnrichedBatch, token: string) {
    const entry: SpilledBatch = { ...batch, size: 0, tsv: NO_ROWS, staged: undefined, token, counted: false }
    await this.p.log.append(entry)
    this.stats.logged++
    this.pending = true
    this.kick()
  }

  /** Replays the log in the background, one run at a time, until it is empty. */
  private kick() {
    if (this.replaying || this.closed) return
    this.replaying = sleep(Math.max(0, this.retryAt - Date.now()))
      .then(() => this.replayOnce())
      .finally(() => {
        this.replaying = null
        if (this.pending) this.kick()
      })
  }

  private async replayOnce() {
    const result = await this.p.log.replay(async (b) => {
      await this.p.count(b, b.token)
      this.stats.replayed++
    }).catch((error) => ({ complete: false, error }))
    if (!result.complete) return this.failed((result as { error?: unknown }).error)
    // Entries logged while this replay ran are in newer files: another run takes them.
    this.pending = (await this.p.log.files()).length > 0
    this.retryMs = 250
  }

  private failed(error: unknown) {
    if (error !== undefined) this.p.logger.warn('click counters not written; kept in the counters log', { error: String(error) })
    this.pending = true
    this.retryAt = Date.now() + this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
  }
}

/** The first row's event id, owner and link (the TabSeparated columns 0, 2 and 3). */
function probeOf(batch: EnrichedBatch): BatchProbe | null {
  const end = batch.tsv.indexOf(10)
  const cols = new TextDecoder().decode(batch.tsv.subarray(0, end < 0 ? undefined : end)).split('\t')
  return cols.length > 3 ? { eventId: cols[0], ownerId: cols[2], linkId: cols[3] } : null
}
