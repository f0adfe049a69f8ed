// When the sink writes: a quiet instance lets its clicks wait up to CLICK_FLUSH_MS and writes
// them in one insert (each insert has a fixed cost); a busy one writes at every tick; an idle one
// does nothing at its ticks.
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
import { BUSY_BUFFER, ClickHouseSink } from '../src/clicks/sink'

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

  function sink(name: string, flushMs: number) {
    const inserts: number[] = []
    const s = new ClickHouseSink({
      insert: async (batch, token) => { inserts.push(batch.size); await insertClicks(ch, batch, token) },
      count: (batch, token) => addClickCounts(h.deps.db, h.config.plans, batch.counts, undefined, token),
      enricher: new Enricher('pace', null), spill: new SpillLog(join(dir, name), h.deps.log), log: h.deps.log,
      flushMs, batchMax: 50_000, bufferMax: 500_000,
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

  test('a busy buffer is written at the next tick, without waiting for CLICK_FLUSH_MS', async () => {
    const { s, inserts } = sink('busy', 60_000)
    await s.flush()
    for (let i = 0; i < BUSY_BUFFER; i++) s.push(rawClick({ linkId: 'lnk_busy', ownerId: 'usr_pace', ip: `10.2.${i % 250}.1` }))
    await within(10_000, true, async () => inserts.length > 0)
    expect(inserts).toEqual([BUSY_BUFFER])
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
