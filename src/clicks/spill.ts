// The append-only spill: batches that ClickHouse did not take, one JSON line per batch, in files
// under DATA_DIR/spill named so that sorting them by name is sorting them by age. Replay reads
// them oldest first and keeps whatever it could not deliver, in order, for the next attempt.
import { appendFile, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../shared/log'
import { batchOf, jsonWithCounts, type EnrichedBatch } from './batch'
import type { ClickRow } from './click-row'

/** In memory; on disk one JSON line with the TabSeparated text as a string. */
export type SpilledBatch = EnrichedBatch & {
  /** The batch's insert_deduplication_token: a replay of an insert that did land is dropped. */
  token: string
  /** Whether the Postgres counters already include this batch. */
  counted: boolean
}

/** (Lines written before link.clicked existed carry no facts.) */
type SpilledLine = Omit<SpilledBatch, 'tsv' | 'facts' | 'factsSkipped'> & { tsv: string } & Partial<Pick<SpilledBatch, 'facts' | 'factsSkipped'>>
const text = new TextDecoder()
const bytes = new TextEncoder()

/** Lines written before batches travelled as text held their rows as objects. */
type LegacyLine = { token: string; counted: boolean; rows: ClickRow[] }

export class SpillLog {
  private active: string
  private writes: Promise<void> = Promise.resolve()
  corruptLines = 0

  constructor(readonly dir: string, private readonly log: Logger, private readonly kind = 'click spill') {
    this.active = this.nextName()
  }

  /** Appends a batch; appends are serialised so lines never interleave. */
  append(batch: SpilledBatch): Promise<void> {
    const line = jsonWithCounts({ ...batch, tsv: text.decode(batch.tsv) }, batch) + '\n'
    const file = join(this.dir, this.active)
    const p = this.writes.then(async () => {
      await mkdir(this.dir, { recursive: true })
      await appendFile(file, line)
    })
    this.writes = p.catch(() => {})
    return p
  }

  async files(): Promise<string[]> {
    await this.writes
    const names = await readdir(this.dir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith('.jsonl')).sort()
  }

  /**
   * Delivers every spilled batch, oldest first, through `deliver`. Stops at the first batch that
   * fails and rewrites that file to start at it. Returns the number of batches delivered.
   */
  async replay(deliver: (batch: SpilledBatch) => Promise<void>): Promise<{ delivered: number; complete: boolean }> {
    // New spills go to a new file from here on, so the files read below only shrink.
    this.active = this.nextName()
    let delivered = 0
    for (const name of await this.files()) {
      if (name >= this.active) break
      const path = join(this.dir, name)
      const lines = (await readFile(path, 'utf8')).split('\n')
      if (lines.at(-1) === '') lines.pop()
      for (let i = 0; i < lines.length; i++) {
        const batch = this.parse(lines[i], name, i, i === lines.length - 1)
        if (!batch) continue
        try {
          await deliver(batch)
        } catch (error) {
          await this.keepFrom(path, lines.slice(i))
          this.log.warn(`${this.kind} replay stopped; will retry`, { file: name, error: String(error) })
          return { delivered, complete: false }
        }
        delivered++
      }
      await unlink(path)
    }
    return { delivered, complete: true }
  }

  private parse(line: string, file: string, index: number, last: boolean): SpilledBatch | null {
    try {
      const b = JSON.parse(line) as SpilledLine | LegacyLine
      if (typeof b.token === 'string' && 'tsv' in b && typeof b.tsv === 'string' && Array.isArray(b.counts)) return { ...b, tsv: bytes.encode(b.tsv), facts: b.facts ?? [], factsSkipped: b.factsSkipped ?? 0 }
      if (typeof b.token === 'string' && 'rows' in b && Array.isArray(b.rows)) return { token: b.token, counted: b.counted, ...batchOf(b.rows) }
    } catch {
      // fall through: a line cut short by a crash mid-write, or damaged on disk
    }
    this.corruptLines++
    this.log.warn(last ? `skipping a corrupt last line of a ${this.kind} file (interrupted write?)` : `skipping a corrupt line of a ${this.kind} file`,
      { file, line: index + 1 })
    return null
  }

  /** Rewrites a file to hold only the batches not yet delivered (atomically, via rename). */
  private async keepFrom(path: string, lines: string[]) {
    const tmp = `${path}.tmp`
    await writeFile(tmp, lines.join('\n') + '\n')
    await rename(tmp, path)
  }

  private seq = 0
  private nextName(): string {
    return `clicks-${String(Date.now()).padStart(15, '0')}-${String(this.seq++).padStart(6, '0')}.jsonl`
  }
}
