// When the sink writes: clicks wait up to CLICK_FLUSH_MS and go in one insert (each insert has a
// fixed cost), however many arrive, unless they fill half the click ring; an idle sink does nothing
// at its ticks.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHarness, type Harness } from './support/harness'
import { countClicks, rawClick } from './support/clicks'
import { within } from './support/poll'
import { openChdb, type ClickHouse } from '../src/clicks/client'
import { migrateClickHouse } from '../src/clicks/migrate'
import { insertClicks } from '../src/clicks/pipeline'
import { addClickCounts } from '../src/clicks/counters'
import { Enricher } from '../src/clicks/enrich'
import { SpillLog } from '../src/clicks/spill'
import { ClickRing } from '../src/clicks/ring'
import { BUSY_RING_SHARE, ClickHouseSink } from '../src/clicks/sink'

describe('the pace of click inserts', () => {
  let h: Harness
  let ch: ClickHouse
  let dir: string
  beforeAll(async () => {
    h = await createHarness()
    dir = mkdtempSync(join(tmpdir(), 'kurz-pace-'))
    ch = await openChdb(join(dir, 'clickhouse'))
    await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  }, 60_000)
  afterAll(async () => {
    await ch.close()
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  })

  function sink(name: string, flushMs: number, ringBytes?: number) {
    const inserts: number[] = []
    const s = new ClickHouseSink({
      // (recorded once stored, so that a test that saw an insert can count its rows)
      insert: async (batch, token) => { await insertClicks(ch, batch, token); inserts.push(batch.size) },
      count: (batch, token) => addClickCounts(h.deps.db, h.config.plans, batch, undefined, token),
      enricher: new Enricher('pace', null), spill: new SpillLog(join(dir, name), h.deps.log), log: h.deps.log,
      flushMs, batchMax: 50_000, bufferMax: 500_000, ringBytes,
    })
    return { s, inserts }
  }

  test('a few clicks wait for CLICK_FLUSH_MS and go in one insert, not one per second', async () => {
    const { s, inserts } = sink('quiet', 4000)
    await s.flush() // (the first flush checks the spill)
    for (let i = 0; i < 3; i++) {
      s.push(rawClick({ linkId: 'lnk_quiet', ownerId: 'usr_pace' }))
      await Bun.sleep(700)
    }
    // Two ticks (one a second) went by with clicks buffered, below the busy mark, none of which
    // would have waited 4 s by the next tick.
    expect(inserts).toEqual([])
    await within(10_000, true, async () => inserts.length > 0)
    expect(inserts).toEqual([3])
    expect(await countClicks(ch, "link_id = 'lnk_quiet'")).toBe(3)
    await s.close()
  }, 30_000)

  test('many clicks still wait for CLICK_FLUSH_MS and go in one insert, not one each second', async () => {
    const { s, inserts } = sink('many', 3500)
    await s.flush()
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i < 1500; i++) s.push(rawClick({ linkId: 'lnk_many', ownerId: 'usr_pace', ip: `10.3.${i % 250}.1` }))
      await Bun.sleep(900)
    }
    expect(inserts).toEqual([])
    await within(10_000, true, async () => inserts.length > 0)
    expect(inserts).toEqual([4500])
    expect(await countClicks(ch, "link_id = 'lnk_many'")).toBe(4500)
    await s.close()
  }, 30_000)

  test('clicks that fill half the ring are written at once, without waiting for CLICK_FLUSH_MS', async () => {
    const ringBytes = 64 * 1024
    const { s, inserts } = sink('busy', 60_000, ringBytes)
    await s.flush()
    const click = () => rawClick({ linkId: 'lnk_busy', ownerId: 'usr_pace', ip: '10.2.0.1' })
    // How many clicks half the ring holds, from one click's size in a ring of its own.
    const probe = new ClickRing(ringBytes)
    let half = 0
    while (probe.push(click()) && probe.used < ringBytes * BUSY_RING_SHARE) half++
    for (let i = 0; i < half; i++) s.push(click())
    await Bun.sleep(1500)
    expect(inserts).toEqual([])
    s.push(click())
    await within(10_000, true, async () => inserts.length > 0)
    expect(inserts).toEqual([half + 1])
    await s.close()
  }, 30_000)

  test('an idle sink inserts nothing at its ticks, and closing writes what waits', async () => {
    const { s, inserts } = sink('idle', 60_000)
    await s.flush() // (the first flush checks the spill)
    await Bun.sleep(2500)
    expect(inserts).toEqual([])
    s.push(rawClick({ linkId: 'lnk_idle', ownerId: 'usr_pace' }))
    await s.close()
    expect(inserts).toEqual([1])
  }, 30_000)
})
