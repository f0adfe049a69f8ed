// The click ring: clicks written as bytes come back whole (any text, any lap around the buffer),
// a full ring refuses without writing, slices are released in order, the worker reads slices in
// place, and a sink whose ring is full keeps every click.
import { describe, expect, test } from 'bun:test'
import { ClickRing } from '../src/clicks/ring'
import { Enricher } from '../src/clicks/enrich'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { SpillLog } from '../src/clicks/spill'
import { ClickHouseSink } from '../src/clicks/sink'
import type { RawClick } from '../src/clicks/raw-click'
import { CHROME, GOOGLEBOT, IPHONE, rawClick, recordingLogger, withoutIds } from './support/clicks'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const varied = (i: number): RawClick => rawClick({
  ts: Date.UTC(2026, 11, 4) + i * 3,
  linkId: `lnk_${i}`,
  ownerId: `usr_${i % 7}`,
  domain: i % 3 ? 'go.example' : '',
  ip: i % 2 ? '2a00:1450:4001:80b::200e' : `10.0.${i % 250}.1`,
  ua: [CHROME, IPHONE, GOOGLEBOT, 'Ägent/1.0 (日本語) 🚀', ''][i % 5],
  referer: i % 4 ? `https://news.example/${'ü'.repeat(i % 9)}` : '',
  query: i % 5 ? `utm_source=n${i}&q=%E2%9C%93` : '',
  ...(i % 6 === 0 ? { variant: `v${i % 4}` } : {}),
})

describe('click ring', () => {
  test('clicks read back from the ring are the clicks written, non-ASCII text and all', () => {
    const ring = new ClickRing(64 * 1024)
    const clicks = Array.from({ length: 40 }, (_, i) => varied(i))
    for (const c of clicks) expect(ring.push(c)).toBe(true)
    expect(ring.size).toBe(40)
    expect(ring.oldestTs()).toBe(clicks[0].ts)
    const slice = ring.take(100)!
    expect(slice.count).toBe(40)
    expect(ring.size).toBe(0)
    expect(ring.decode(slice)).toEqual(clicks)
  })

  test('records wrap past the end of the buffer lap after lap and come back whole and in order', () => {
    const ring = new ClickRing(4096)
    let written = 0
    let read = 0
    for (let lap = 0; lap < 60; lap++) {
      // (uneven amounts, so that the end of the buffer falls at every kind of place in a record)
      for (let k = 0; k < 3 + (lap % 5); k++) if (ring.push(varied(written))) written++
      const slice = ring.take(1 + (lap % 4))
      if (!slice) continue
      const back = ring.decode(slice)
      expect(back).toEqual(Array.from({ length: slice.count }, (_, j) => varied(read + j)))
      read += slice.count
      ring.release(slice)
    }
    expect(read).toBeGreaterThan(100)
    expect(ring.used).toBeLessThan(4096)
  })

  test('a full ring refuses a click and writes nothing; released space takes clicks again', () => {
    const ring = new ClickRing(2048)
    let n = 0
    while (ring.push(varied(n))) n++
    expect(n).toBeGreaterThan(2)
    const used = ring.used
    expect(ring.push(varied(n))).toBe(false)
    expect(ring.used).toBe(used)
    expect(ring.size).toBe(n)
    const slice = ring.take(n)!
    expect(ring.decode(slice)).toEqual(Array.from({ length: n }, (_, i) => varied(i)))
    // Taken is not yet free: the worker may still be reading it.
    expect(ring.push(varied(n))).toBe(false)
    ring.release(slice)
    expect(ring.push(varied(n))).toBe(true)
  })

  test('an overlong field is cut at its bound and never runs into the next record', () => {
    const ring = new ClickRing(1024 * 1024)
    const long = rawClick({ ua: 'x'.repeat(100_000), referer: 'é'.repeat(40_000) })
    const next = rawClick({ linkId: 'lnk_after' })
    expect(ring.push(long)).toBe(true)
    expect(ring.push(next)).toBe(true)
    const [a, b] = ring.decode(ring.take(2)!)
    expect(a.ua).toBe('x'.repeat(21_845))
    expect(a.referer).toBe('é'.repeat(21_845))
    expect(b).toEqual(next)
  })

  test('slices are released in the order they were taken, and only the last one taken can be given back', () => {
    const ring = new ClickRing(8192)
    for (let i = 0; i < 6; i++) ring.push(varied(i))
    const first = ring.take(2)!
    const second = ring.take(2)!
    expect(() => ring.release(second)).toThrow(/order/)
    expect(() => ring.untake(first)).toThrow(/last/)
    ring.untake(second)
    expect(ring.size).toBe(4)
    ring.release(first)
    expect(ring.decode(ring.take(10)!)).toEqual([2, 3, 4, 5].map(varied))
  })

  test('the worker reads a slice from the shared buffer and enriches it as the calling thread would', async () => {
    const ring = new ClickRing(4096)
    const w = await WorkerEnricher.open('salt-r', null)
    try {
      let pushed = 0
      for (let lap = 0; lap < 8; lap++) {
        const clicks: RawClick[] = []
        while (clicks.length < 5 && ring.push(varied(pushed))) clicks.push(varied(pushed++))
        const slice = ring.take(100)!
        const inWorker = await w.enrichBatch(slice)
        ring.release(slice)
        expect(inWorker.size).toBe(clicks.length)
        expect(withoutIds(inWorker)).toEqual(withoutIds(await new Enricher('salt-r', null).enrichBatch(clicks)))
      }
    } finally {
      await w.close()
    }
  })

  test('a slice whose worker died is read and enriched in the calling thread', async () => {
    const ring = new ClickRing(8192)
    const w = await WorkerEnricher.open('salt-r', null)
    try {
      for (let i = 0; i < 5; i++) ring.push(varied(i))
      const first = ring.take(2)!
      expect((await w.enrichBatch(first)).size).toBe(2)
      ring.release(first)
      ;(w as unknown as { worker: Worker }).worker.terminate()
      const slice = ring.take(10)!
      const batch = await w.enrichBatch(slice)
      expect(batch.size).toBe(3)
      expect(new TextDecoder().decode(batch.tsv)).toContain('\tlnk_4\t')
      // and a new worker is given the ring again before its first slice
      ring.release(slice)
      ring.push(varied(9))
      const again = ring.take(1)!
      expect(new TextDecoder().decode((await w.enrichBatch(again)).tsv)).toContain('\tlnk_9\t')
    } finally {
      await w.close()
    }
  })

  test('a sink whose ring is full keeps the clicks that do not fit and stores every one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kurz-ring-'))
    const { log } = recordingLogger()
    const stored: string[] = []
    const sink = new ClickHouseSink({
      insert: async (batch) => { stored.push(...new TextDecoder().decode(batch.tsv).trimEnd().split('\n').map((l) => l.split('\t')[3])) },
      count: async () => {},
      enricher: new Enricher('salt-r', null), spill: new SpillLog(join(dir, 'spill'), log), log,
      flushMs: 60_000, batchMax: 50_000, bufferMax: 500_000, ringBytes: 2048,
    })
    try {
      await sink.flush()
      for (let i = 0; i < 500; i++) sink.push(varied(i))
      expect(sink.buffered).toBe(500)
      await sink.close()
      expect(stored.sort()).toEqual(Array.from({ length: 500 }, (_, i) => `lnk_${i}`).sort())
      expect(sink.stats).toMatchObject({ received: 500, inserted: 500, spilled: 0 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
