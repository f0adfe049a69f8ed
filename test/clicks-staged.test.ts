// On the embedded engine the enrichment worker writes a slice's rows to the file the insert reads,
// so that the redirect thread writes nothing; the file leaves with its batch, inserted or spilled.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, type ClickHouse } from '../src/clicks/client'
import { migrateClickHouse } from '../src/clicks/migrate'
import { insertClicks } from '../src/clicks/pipeline'
import { ClickRing } from '../src/clicks/ring'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { SpillLog } from '../src/clicks/spill'
import { ClickHouseSink } from '../src/clicks/sink'
import { countClicks, rawClick, recordingLogger } from './support/clicks'

describe('staged click batches', () => {
  let dir: string
  let ch: ClickHouse
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kurz-staged-'))
    ch = await openChdb(join(dir, 'clickhouse'))
    await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  }, 60_000)
  afterAll(async () => {
    await ch.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the worker writes a slice\'s rows into the engine\'s stage directory, and the insert reads and removes the file', async () => {
    expect(ch.stageDir).toBeString()
    const w = await WorkerEnricher.open('salt-st', null, ch.stageDir)
    try {
      const ring = new ClickRing(64 * 1024)
      for (let i = 0; i < 5; i++) ring.push(rawClick({ linkId: 'lnk_staged', ownerId: 'usr_staged', ip: `10.9.0.${i}` }))
      const slice = ring.take(100)!
      const batch = await w.enrichBatch(slice)
      ring.release(slice)
      expect(batch.staged).toStartWith(ch.stageDir!)
      expect(Buffer.from(readFileSync(batch.staged!)).equals(Buffer.from(batch.tsv))).toBe(true)
      await insertClicks(ch, batch, Bun.randomUUIDv7())
      expect(existsSync(batch.staged!)).toBe(false)
      expect(await countClicks(ch, "link_id = 'lnk_staged'")).toBe(5)
    } finally {
      await w.close()
    }
  }, 30_000)

  test('a staged batch that is spilled instead leaves no file behind, and its rows are in the spill', async () => {
    const stage = join(dir, 'stage')
    mkdirSync(stage)
    const w = await WorkerEnricher.open('salt-st', null, stage)
    const { log } = recordingLogger()
    const sink = new ClickHouseSink({
      insert: async () => { throw new Error('ClickHouse is down') },
      count: async () => {},
      enricher: w, spill: new SpillLog(join(dir, 'spill'), log), log,
      flushMs: 60_000, batchMax: 50_000, bufferMax: 500_000,
    })
    try {
      await sink.flush()
      for (let i = 0; i < 7; i++) sink.push(rawClick({ linkId: 'lnk_spilled', ownerId: 'usr_staged', ip: `10.9.1.${i}` }))
      await sink.flush()
      expect(sink.stats.spilled).toBe(7)
      await Bun.sleep(50) // (the file is removed beside the spill's write)
      expect(readdirSync(stage)).toEqual([])
      const spilled = readdirSync(join(dir, 'spill')).map((f) => readFileSync(join(dir, 'spill', f), 'utf8')).join('')
      expect(spilled).toContain('lnk_spilled')
      expect(spilled).not.toContain('"staged"')
    } finally {
      await sink.close().catch(() => {})
      await w.close()
    }
  }, 30_000)
})
