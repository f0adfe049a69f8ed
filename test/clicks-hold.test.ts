// A busy instance's clicks are enriched between flushes: the sink hands the ring's clicks to the
// worker once HOLD_AT wait, the worker keeps what it enriched, and the flush that takes those
// clicks uses it. Every click is still stored once and in order, also when the worker dies with
// what it kept, or when the insert fails and the flush is retried.
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClickRing, type RingSlice } from '../src/clicks/ring'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { SpillLog } from '../src/clicks/spill'
import { ClickHouseSink, HOLD_AT } from '../src/clicks/sink'
import type { EnrichedBatch } from '../src/clicks/batch'
import type { RawClick } from '../src/clicks/raw-click'
import { rawClick, recordingLogger } from './support/clicks'

const click = (i: number): RawClick => rawClick({ ts: Date.UTC(2026, 11, 4) + i, linkId: `lnk_${i}`, ownerId: `usr_${i % 3}` })
const linkIds = (b: EnrichedBatch) => new TextDecoder().decode(b.tsv).trimEnd().split('\n').filter(Boolean).map((l) => l.split('\t')[3])

/** A worker enricher that counts what it is asked. */
class Watched {
  holds: number[] = []
  enriched: number[] = []
  constructor(readonly inner: WorkerEnricher) {}
  hold = async (slice: RingSlice, announced?: ReadonlySet<string>) => {
    this.holds.push(slice.count)
    return this.inner.hold(slice, announced)
  }
  enrichBatch = async (clicks: RawClick[] | RingSlice, announced?: ReadonlySet<string>) => {
    this.enriched.push(Array.isArray(clicks) ? clicks.length : (clicks as RingSlice).count)
    return this.inner.enrichBatch(clicks, announced)
  }
}

function sinkWith(enricher: Watched, insert: (b: EnrichedBatch) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'kurz-hold-'))
  const { log } = recordingLogger()
  const sink = new ClickHouseSink({
    insert, count: async () => {}, enricher, spill: new SpillLog(join(dir, 'spill'), log), log,
    flushMs: 60_000, batchMax: 50_000, bufferMax: 500_000,
  })
  return { sink, done: () => rmSync(dir, { recursive: true, force: true }) }
}

const settle = () => Bun.sleep(50)

describe('clicks enriched ahead of their flush', () => {
  test('the worker uses what it kept: a joined slice carries the facts worked out when its first part was held', async () => {
    const ring = new ClickRing(64 * 1024)
    const w = await WorkerEnricher.open('salt-h', null)
    try {
      for (let i = 0; i < 10; i++) ring.push(click(i))
      const first = ring.take(4)!
      // Held while usr_0..2 were announced; taken with nobody announced: only the held part has facts.
      await w.hold(first, new Set(['usr_0', 'usr_1', 'usr_2']))
      const all = ring.join(first, ring.take(100)!)
      const batch = await w.enrichBatch(all, new Set())
      expect(batch.size).toBe(10)
      expect(linkIds(batch)).toEqual(Array.from({ length: 10 }, (_, i) => `lnk_${i}`))
      expect(batch.facts.map((f) => f.linkId)).toEqual(['lnk_0', 'lnk_1', 'lnk_2', 'lnk_3'])
      ring.release(all)
    } finally {
      await w.close()
    }
  })

  test('a sink hands clicks to the worker as they arrive and stores each one once, in order', async () => {
    const w = new Watched(await WorkerEnricher.open('salt-h', null))
    const stored: string[] = []
    const { sink, done } = sinkWith(w, async (b) => { stored.push(...linkIds(b)) })
    try {
      const n = HOLD_AT * 3 + 17
      for (let i = 0; i < n; i++) {
        sink.push(click(i))
        if (i % HOLD_AT === HOLD_AT - 1) await settle()
      }
      expect(w.holds.length).toBeGreaterThanOrEqual(2)
      expect(sink.buffered).toBe(n)
      await sink.close()
      expect(w.enriched).toEqual([n]) // one flush, one batch: held parts and the rest
      expect(stored).toEqual(Array.from({ length: n }, (_, i) => `lnk_${i}`))
      expect(sink.stats).toMatchObject({ received: n, inserted: n, spilled: 0 })
    } finally {
      await w.inner.close()
      done()
    }
  })

  test('clicks held by a worker that died are enriched again when their flush takes them', async () => {
    const w = new Watched(await WorkerEnricher.open('salt-h', null))
    const stored: string[] = []
    const { sink, done } = sinkWith(w, async (b) => { stored.push(...linkIds(b)) })
    try {
      const n = HOLD_AT + 5
      for (let i = 0; i < n; i++) sink.push(click(i))
      await settle()
      expect(w.holds.length).toBe(1)
      ;(w.inner as unknown as { worker: Worker }).worker.terminate()
      await sink.close()
      expect(stored).toEqual(Array.from({ length: n }, (_, i) => `lnk_${i}`))
    } finally {
      await w.inner.close()
      done()
    }
  })

  test('a flush whose insert fails spills the held clicks with the rest, and they are stored once after', async () => {
    const w = new Watched(await WorkerEnricher.open('salt-h', null))
    const stored: string[] = []
    let down = true
    const { sink, done } = sinkWith(w, async (b) => {
      if (down) throw new Error('ClickHouse down')
      stored.push(...linkIds(b))
    })
    try {
      const n = HOLD_AT + 5
      for (let i = 0; i < n; i++) sink.push(click(i))
      await settle()
      await sink.flush()
      expect(sink.stats.spilled).toBe(n)
      expect(stored).toEqual([])
      down = false
      await sink.close()
      expect(stored).toEqual(Array.from({ length: n }, (_, i) => `lnk_${i}`))
    } finally {
      await w.inner.close()
      done()
    }
  })
})
