// A small site's clicks, held on disk until they make one larger insert (the embedded engine only).
// Each insert costs the engine a fixed ~6-12 ms of CPU however few rows it carries, and each part
// it writes is merged again later: at 50 clicks a second, an insert every flush cost more than the
// rest of the click. So a batch smaller than RELEASE_AT is counted at once (links' clicks and the
// link.clicked events do not wait) and its rows wait here, as the file the enrichment worker wrote,
// until the held batches add up to RELEASE_AT clicks or the oldest has waited CLICK_HOLD_MS (or the
// sink is flushed, or the app reads the click store); then they go in as ONE insert, which reads
// every file (the rows never pass through the redirect thread).
//
// On disk, under one directory: each batch's rows as `<token>.tsv`, and `held.jsonl`, one line a
// batch with what its counting needs. A line is written after its file and before the batch is
// counted; a process killed after the file moved and before its line was written loses that
// batch, uncounted, as a kill loses the clicks still in memory. Lines left by an earlier process are released at the next start and counted again (the
// batch's token makes a second count a no-op). The insert's token is derived from the tokens of the
// batches it carries: an insert repeated after a kill that came between it and the clean-up is
// dropped by the engine.
import { appendFile, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../shared/log'
import { jsonWithCounts, type EnrichedBatch } from './batch'

/** Held clicks at which they are inserted without waiting for the oldest's time. */
export const RELEASE_AT = 10_000

const LOG = 'held.jsonl'

/** One held batch: its rows are in `<token>.tsv`. */
export type HeldBatch = Omit<EnrichedBatch, 'tsv' | 'staged'> & {
  token: string
  /** Held by an earlier process: it may not have been counted. */
  earlier?: boolean
}

export type ReleaseParts = {
  /** Inserts the rows of these files as one insert with this token, leaving out the links given. */
  insert(files: string[], token: string, skipLinks: readonly string[]): Promise<void>
  /** Counts a batch of an earlier process (a no-op for a token counted before). */
  count(batch: EnrichedBatch, token: string): Promise<void>
  /** The links with rows in these files that were deleted since (their clicks must not reach the totals again). */
  gone?(files: string[]): Promise<string[]>
}

export class HeldClicks {
  private batches: HeldBatch[] = []
  private oldestAt: number | null = null
  private clicks = 0
  corruptLines = 0

  private constructor(readonly dir: string, private readonly log: Logger) {}

  /** Opens the directory: what an earlier process held is due at once; files without a line go. */
  static async open(dir: string, log: Logger): Promise<HeldClicks> {
    const held = new HeldClicks(dir, log)
    await mkdir(dir, { recursive: true })
    const text = await readFile(join(dir, LOG), 'utf8').catch(() => '')
    for (const [i, line] of text.split('\n').entries()) {
      if (!line) continue
      try {
        const b = JSON.parse(line) as HeldBatch
        if (typeof b.token !== 'string' || !Array.isArray(b.counts) || typeof b.size !== 'number') throw new Error('not a held batch')
        held.batches.push({ ...b, earlier: true })
        held.clicks += b.size
      } catch {
        held.corruptLines++
        log.warn('skipping a corrupt line of the held clicks log (interrupted write?)', { line: i + 1 })
      }
    }
    const known = new Set(held.batches.map((b) => `${b.token}.tsv`))
    for (const name of await readdir(dir)) if (name.endsWith('.tsv') && !known.has(name)) await unlink(join(dir, name)).catch(() => {})
    if (held.batches.length > 0) held.oldestAt = 0
    return held
  }

  /** Clicks held. */
  get size() {
    return this.clicks
  }

  /** Whether they are to be inserted now: many enough, or the oldest waited `holdMs`. */
  due(now: number, holdMs: number): boolean {
    return this.batches.length > 0 && (this.clicks >= RELEASE_AT || now - (this.oldestAt ?? now) >= holdMs)
  }

  /** Takes the batch's staged file and records the batch; the caller counts it next. */
  async hold(batch: EnrichedBatch & { staged: string }, token: string): Promise<void> {
    const { tsv: _rows, staged, ...rest } = batch
    await rename(staged, this.file(token))
    const line: HeldBatch = { ...rest, token }
    try {
      await appendFile(join(this.dir, LOG), jsonWithCounts(line, batch) + '\n')
    } catch (error) {
      await rename(this.file(token), staged).catch(() => {})
      throw error
    }
    this.batches.push(line)
    this.clicks += batch.size
    this.oldestAt ??= Date.now()
  }

  /**
   * Inserts every held batch as one insert, then lets them go. Throws if the insert fails, keeping
   * them, due at once from then on (the caller's back-off paces the next try).
   */
  async release(p: ReleaseParts): Promise<number> {
    const batches = this.batches
    if (batches.length === 0) return 0
    try {
      return await this.releaseAll(batches, p)
    } catch (error) {
      this.oldestAt = 0
      throw error
    }
  }

  private async releaseAll(batches: HeldBatch[], p: ReleaseParts): Promise<number> {
    const files = batches.map((b) => this.file(b.token))
    const skip = p.gone ? await p.gone(files).catch((error) => {
      this.log.warn('deleted links not checked before inserting held clicks', { error: String(error) })
      return []
    }) : []
    const token = `held-${Bun.hash(batches.map((b) => b.token).join(',')).toString(36)}`
    await p.insert(files, token, skip)
    for (const b of batches) if (b.earlier) await p.count({ ...b, tsv: new Uint8Array(0) }, b.token)
    // The log first: a kill after it leaves files without a line, which the next start removes.
    await unlink(join(this.dir, LOG)).catch(() => {})
    for (const b of batches) await unlink(this.file(b.token)).catch(() => {})
    this.batches = []
    this.clicks = 0
    this.oldestAt = null
    return batches.reduce((n, b) => n + b.size, 0)
  }

  private file(token: string) {
    return join(this.dir, `${token}.tsv`)
  }
}
