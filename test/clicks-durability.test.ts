// Durability of the click plane on real engines: ClickHouse unreachable, then back; the bound;
// a damaged spill file. Nothing is lost and nothing is counted twice.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { ClickHouseLogLevel, createClient } from '@clickhouse/client'
import { createHarness, type Harness } from './support/harness'
import { closedPort, countClicks, rawClick, recordingLogger } from './support/clicks'
import { openChdb, type ClickHouse } from '../src/clicks/client'
import { COLUMNS } from '../src/clicks/batch'
import { migrateClickHouse } from '../src/clicks/migrate'
import { insertClicks } from '../src/clicks/pipeline'
import { addClickCounts } from '../src/clicks/counters'
import { Enricher } from '../src/clicks/enrich'
import { SpillLog } from '../src/clicks/spill'
import type { EnrichedBatch } from '../src/clicks/batch'
import { ClickHouseSink } from '../src/clicks/sink'
import { links, usagePeriods } from '../src/db/schema'
import type { Logger } from '../src/shared/log'

describe('click durability', () => {
  let h: Harness
  let ch: ClickHouse
  let dir: string
  beforeAll(async () => {
    h = await createHarness()
    dir = mkdtempSync(join(tmpdir(), 'kurz-clicks-'))
    ch = await openChdb(join(dir, 'clickhouse'))
    await migrateClickHouse(ch, { database: 'default', ttlDays: null })
  }, 60_000)
  afterAll(async () => {
    await ch.close()
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const enricher = new Enricher('test-salt', null)
  function sink(spill: string, insert: (batch: EnrichedBatch, token: string) => Promise<void>, log: Logger = h.deps.log, over = {}) {
    return new ClickHouseSink({
      insert, count: (batch, token) => addClickCounts(h.deps.db, h.config.plans, batch, undefined, token), enricher, spill: new SpillLog(spill, log), log,
      flushMs: 60_000, batchMax: 1000, bufferMax: 100_000, ...over,
    })
  }
  async function newLink(slug: string) {
    const r = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/', slug } })
    expect(r.status).toBe(201)
    return { id: r.body.data.id as string, owner: (await h.deps.db.select().from(links).where(eq(links.slug, slug)))[0].userId }
  }
  const linkClicks = async (id: string) => (await h.deps.db.select().from(links).where(eq(links.id, id)))[0].clicks
  const usage = async (owner: string) => (await h.deps.db.select().from(usagePeriods).where(eq(usagePeriods.userId, owner)))[0]?.clicks ?? 0

  test('ClickHouse unreachable, then back: nothing lost, nothing counted twice', async () => {
    const link = await newLink('dur-down')
    const spill = join(dir, 'spill-down')
    const down = createClient({ url: `http://127.0.0.1:${closedPort()}`, request_timeout: 2000, log: { level: ClickHouseLogLevel.OFF } })
    const s1 = sink(spill, (batch, token) => insertClicks({ client: down, engine: 'server', cluster: null, close: () => down.close() }, batch, token), h.deps.log, { batchMax: 700 })
    for (let i = 0; i < 2000; i++) s1.push(rawClick({ linkId: link.id, ownerId: link.owner, ip: `10.0.${i % 200}.1` }))
    await s1.flush()
    expect(s1.stats.spilled).toBe(2000)
    // The counters do not depend on ClickHouse: they are already in.
    expect(await linkClicks(link.id)).toBe(2000)
    await s1.close()
    await down.close()
    expect(readdirSync(spill).length).toBeGreaterThan(0)

    // A working engine: the spill is replayed, in order; counters are not added again.
    const s2 = sink(spill, (batch, token) => insertClicks(ch, batch, token))
    await s2.flush()
    expect(s2.stats.replayed).toBe(2000)
    expect(await countClicks(ch, `link_id = '${link.id}'`)).toBe(2000)
    expect(await linkClicks(link.id)).toBe(2000)
    expect(await usage(link.owner)).toBe(2000)
    expect(readdirSync(spill)).toEqual([])
    await s2.close()
  })

  test('a batch in flight at a kill is counted at the next start if ClickHouse has it, and only then, once', async () => {
    for (const landed of [true, false]) {
      const link = await newLink(`dur-inflight-${landed}`)
      const spill = join(dir, `spill-inflight-${landed}`)
      mkdirSync(`${spill}-counts`, { recursive: true })
      writeFileSync(join(`${spill}-counts`, 'in-flight.json'), JSON.stringify({
        token: crypto.randomUUID(), probe: { eventId: crypto.randomUUID(), ownerId: link.owner, linkId: link.id },
        counts: [{ link_id: link.id, period: '2026-11-01', n: 3 }], facts: [], factsSkipped: 0,
      }))
      for (let start = 0; start < 2; start++) {
        const s = sink(spill, (batch, token) => insertClicks(ch, batch, token), h.deps.log, { landed: async () => landed })
        s.push(rawClick({ linkId: link.id, ownerId: link.owner }))
        await s.flush()
        await s.close()
      }
      expect(await linkClicks(link.id)).toBe(landed ? 3 + 2 : 2)
      expect(existsSync(join(`${spill}-counts`, 'in-flight.json'))).toBe(false)
    }
  })

  test('a replayed batch that had already landed is dropped by its deduplication token', async () => {
    const link = await newLink('dur-dedup')
    const spill = join(dir, 'spill-dedup')
    const batch = await enricher.enrichBatch(Array.from({ length: 300 }, () => rawClick({ linkId: link.id, ownerId: link.owner })))
    // The insert landed but its answer was lost (a timeout): the batch was spilled, uncounted.
    await insertClicks(ch, batch, 'tok-dedup-1')
    await new SpillLog(spill, h.deps.log).append({ token: 'tok-dedup-1', counted: false, ...batch })
    const s = sink(spill, (b, token) => insertClicks(ch, b, token))
    await s.flush()
    expect(await countClicks(ch, `link_id = '${link.id}'`)).toBe(300)
    const [daily] = await (await ch.client.query({ query: `SELECT sum(clicks) AS n FROM clicks_daily WHERE dim = 'link' AND link_id = '${link.id}'`, format: 'JSONEachRow' })).json<{ n: string }>()
    expect(Number(daily.n)).toBe(300)
    expect(await linkClicks(link.id)).toBe(300)
    await s.close()
  })

  test('past a full ring and the bound the buffer spills instead of growing, and the spill is replayed', async () => {
    const link = await newLink('dur-bound')
    const spill = join(dir, 'spill-bound')
    // (a ring of a few clicks: the rest wait as objects, and each 100 of them are detached)
    const s = sink(spill, (batch, token) => insertClicks(ch, batch, token), h.deps.log, { bufferMax: 100, batchMax: 1000, ringBytes: 4096 })
    for (let i = 0; i < 250; i++) s.push(rawClick({ linkId: link.id, ownerId: link.owner }))
    // (the ring's r clicks, and 250 - r as objects less each 100 detached: 50 whatever r under 50)
    expect(s.buffered).toBe(50)
    // The overflow is enriched and written beside the flusher; close() waits for it, then replays it.
    await s.close()
    expect(s.stats.spilled).toBe(200)
    expect(await countClicks(ch, `link_id = '${link.id}'`)).toBe(250)
    expect(await linkClicks(link.id)).toBe(250)
  })

  test('a corrupted last line of a spill file is skipped with a warning', async () => {
    const link = await newLink('dur-corrupt')
    const spill = join(dir, 'spill-corrupt')
    const batch = await enricher.enrichBatch(Array.from({ length: 10 }, () => rawClick({ linkId: link.id, ownerId: link.owner })))
    const good = (token: string) => JSON.stringify({ token, counted: false, ...batch, tsv: new TextDecoder().decode(batch.tsv) }) + '\n'
    mkdirSync(spill, { recursive: true })
    writeFileSync(join(spill, 'clicks-000000000000001-000000.jsonl'), good('c-1') + good('c-2') + good('c-3').slice(0, 200))
    const rec = recordingLogger()
    const s = sink(spill, (b, token) => insertClicks(ch, b, token), rec.log)
    await s.flush()
    expect(await countClicks(ch, `link_id = '${link.id}'`)).toBe(20)
    expect(await linkClicks(link.id)).toBe(20)
    expect(rec.lines.some((l) => l.level === 'warn' && /corrupt last line/.test(l.msg))).toBe(true)
    expect(existsSync(join(spill, 'clicks-000000000000001-000000.jsonl'))).toBe(false)
    await s.close()
  })

  test('the raw IP is not in the spill file', async () => {
    const spill = join(dir, 'spill-ip')
    const s = sink(spill, async () => { throw new Error('down') })
    s.push(rawClick({ ip: '203.0.113.77' }))
    await s.flush()
    const text = readdirSync(spill).map((f) => readFileSync(join(spill, f), 'utf8')).join('')
    const [spilled] = text.trim().split('\n').map((l) => JSON.parse(l))
    // One enriched row, a field per column, its visitor hash in place of the address.
    expect(spilled.tsv.trim().split('\t')).toHaveLength(COLUMNS.length)
    expect(text).not.toContain('203.0.113.77')
    await s.close()
  })

  test('a spill line written in the earlier format (rows as objects) is still replayed', async () => {
    const link = await newLink('dur-legacy')
    const spill = join(dir, 'spill-legacy')
    const rows = enricher.enrichRows(Array.from({ length: 7 }, () => rawClick({ linkId: link.id, ownerId: link.owner })))
    mkdirSync(spill, { recursive: true })
    writeFileSync(join(spill, 'clicks-000000000000001-000000.jsonl'), JSON.stringify({ token: 'legacy-1', counted: false, rows }) + '\n')
    const s = sink(spill, (b, token) => insertClicks(ch, b, token))
    await s.flush()
    expect(await countClicks(ch, `link_id = '${link.id}'`)).toBe(7)
    expect(await linkClicks(link.id)).toBe(7)
    await s.close()
  })
})
