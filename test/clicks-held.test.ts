// A small site's clicks on the embedded engine: counted at once, their rows held on disk for one
// larger insert (CLICK_HOLD_MS after the oldest, RELEASE_AT clicks, or a flush), never lost or
// inserted twice across a kill, and never for a link deleted meanwhile.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, type ClickHouse } from '../src/clicks/client'
import { migrateClickHouse } from '../src/clicks/migrate'
import { ClickRing } from '../src/clicks/ring'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { SpillLog } from '../src/clicks/spill'
import { ClickHouseSink } from '../src/clicks/sink'
import { HeldClicks, RELEASE_AT } from '../src/clicks/held'
import { Enricher } from '../src/clicks/enrich'
import { COLUMN_TYPES, type EnrichedBatch } from '../src/clicks/batch'
import type { Logger } from '../src/shared/log'
import { CHROME, GOOGLEBOT, countClicks, rawClick, recordingLogger } from './support/clicks'
import { goneLinks, insertClicks } from '../src/clicks/pipeline'
import { createHarness, type Harness } from './support/harness'
import type { Running } from '../src/server'
import type { RawClick } from '../src/clicks/raw-click'
import { eq } from 'drizzle-orm'
import { links } from '../src/db/schema'

const settings = (token: string) => ({ insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 })

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${ms} ms: ${what}`)
    await Bun.sleep(50)
  }
}

describe('held click batches', () => {
  let dir: string
  let ch: ClickHouse
  let w: WorkerEnricher
  let stage: string
  let n = 0
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kurz-held-'))
    ch = await openChdb(join(dir, 'clickhouse'))
    await migrateClickHouse(ch, { database: 'default', ttlDays: null })
    stage = join(dir, 'stage')
    mkdirSync(stage)
    w = await WorkerEnricher.open('salt-held', null, stage)
  }, 60_000)
  afterAll(async () => {
    await w.close()
    await ch.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A fresh case: its own directories, a spy on the engine's inserts, and the counts given. */
  async function setup(opts: { holdMs?: number; flushMs?: number; gone?: string[]; goneHangs?: boolean; failInserts?: number } = {}) {
    const base = join(dir, `case-${++n}`)
    const held = await HeldClicks.open(join(base, 'held'), recordingLogger().log as Logger)
    const inserts: { files: number; token: string }[] = []
    const counted: { token: string; clicks: number }[] = []
    const direct: number[] = []
    let failing = opts.failInserts ?? 0
    const { log, lines } = recordingLogger()
    const sink = new ClickHouseSink({
      insert: async (batch, token) => {
        direct.push(batch.size)
        await insertClicks(ch, batch, token)
      },
      count: async (batch, token) => void counted.push({ token, clicks: batch.counts.reduce((s, c) => s + c.n, 0) }),
      enricher: w, spill: new SpillLog(join(base, 'spill'), log), log,
      flushMs: opts.flushMs ?? 60_000, batchMax: 50_000, bufferMax: 500_000,
      hold: {
        clicks: held,
        ms: opts.holdMs ?? 60_000,
        async insert(files, token, skipLinks) {
          if (failing-- > 0) throw new Error('the engine refused the insert')
          inserts.push({ files: files.length, token })
          await ch.insertFiles!({ table: 'clicks', columns: COLUMN_TYPES, files, skipLinks, settings: settings(token) })
        },
        gone: opts.goneHangs ? () => new Promise<string[]>(() => {}) : async () => opts.gone ?? [],
      },
      patienceMs: 200,
    })
    await sink.flush() // (the first drain looks at the spill)
    return { base, held, sink, inserts, counted, lines, direct }
  }

  const clicks = (link: string, k: number, over: Partial<RawClick> = {}) =>
    Array.from({ length: k }, (_, i) => rawClick({ linkId: link, ownerId: 'usr_held', ip: `10.7.${n}.${i % 250}`, ...over }))

  test('a small batch is counted at once while its rows wait, then goes in with the batches after it as one insert', async () => {
    // (the hold is long enough that the second batch is held before the first is due)
    const c = await setup({ flushMs: 100, holdMs: 4000 })
    try {
      for (const click of clicks('lnk_h1', 3)) c.sink.push(click)
      await until('the first batch is held', () => c.held.size === 3)
      expect(c.counted.map((x) => x.clicks)).toEqual([3])
      expect(await countClicks(ch, "link_id = 'lnk_h1'")).toBe(0)
      for (const click of clicks('lnk_h1', 2)) c.sink.push(click)
      await until('the second batch is held', () => c.counted.length === 2)
      await until('the held clicks are inserted', () => c.held.size === 0)
      expect(c.inserts).toEqual([{ files: 2, token: expect.stringMatching(/^held-/) }])
      expect(await countClicks(ch, "link_id = 'lnk_h1'")).toBe(5)
      expect(c.sink.stats.inserted).toBe(5)
      expect(readdirSync(join(c.base, 'held'))).toEqual([])
      expect(readdirSync(stage)).toEqual([])
    } finally {
      await c.sink.close()
    }
  }, 30_000)

  test('a flush inserts the held clicks at once, with the batch it writes, in one insert', async () => {
    const c = await setup({ flushMs: 100 })
    try {
      for (const click of clicks('lnk_h2', 4)) c.sink.push(click)
      await until('the batch is held', () => c.held.size === 4)
      for (const click of clicks('lnk_h2', 3)) c.sink.push(click)
      await c.sink.flush()
      expect(await countClicks(ch, "link_id = 'lnk_h2'")).toBe(7)
      expect(c.inserts).toHaveLength(1)
      expect(c.held.size).toBe(0)
    } finally {
      await c.sink.close()
    }
  }, 30_000)

  test('close inserts what is held', async () => {
    const c = await setup({ flushMs: 100 })
    for (const click of clicks('lnk_h3', 6)) c.sink.push(click)
    await until('the batch is held', () => c.held.size === 6)
    await c.sink.close()
    expect(await countClicks(ch, "link_id = 'lnk_h3'")).toBe(6)
  }, 30_000)

  test(`a batch of ${RELEASE_AT} clicks is inserted at once, not held; the clicks held before it wait for their time`, async () => {
    const c = await setup({ flushMs: 200 })
    try {
      for (const click of clicks('lnk_h4', 5)) c.sink.push(click)
      await until('the first batch is held', () => c.held.size === 5)
      for (const click of clicks('lnk_h4', RELEASE_AT)) c.sink.push(click)
      await until('the large batch is inserted', async () => (await countClicks(ch, "link_id = 'lnk_h4'")) === RELEASE_AT)
      expect(c.direct).toEqual([RELEASE_AT])
      expect(c.held.size).toBe(5)
      await c.sink.flush()
      expect(await countClicks(ch, "link_id = 'lnk_h4'")).toBe(RELEASE_AT + 5)
    } finally {
      await c.sink.close()
    }
  }, 60_000)

  test('the clicks of a link deleted while they were held do not reach ClickHouse', async () => {
    const c = await setup({ flushMs: 100, gone: ['lnk_h5_gone'] })
    try {
      for (const click of [...clicks('lnk_h5_kept', 2), ...clicks('lnk_h5_gone', 3)]) c.sink.push(click)
      await until('the batch is held', () => c.held.size === 5)
      await c.sink.flush()
      expect(await countClicks(ch, "link_id = 'lnk_h5_kept'")).toBe(2)
      expect(await countClicks(ch, "link_id = 'lnk_h5_gone'")).toBe(0)
    } finally {
      await c.sink.close()
    }
  }, 30_000)

  test('PostgreSQL that does not answer which links were deleted does not hold the clicks back', async () => {
    const c = await setup({ flushMs: 100, goneHangs: true })
    try {
      for (const click of clicks('lnk_h10', 3)) c.sink.push(click)
      await until('the batch is held', () => c.held.size === 3)
      await c.sink.flush()
      expect(await countClicks(ch, "link_id = 'lnk_h10'")).toBe(3)
    } finally {
      await c.sink.close()
    }
  }, 30_000)

  test('while the engine refuses them, held clicks stay on disk and go in once it takes them', async () => {
    const c = await setup({ flushMs: 100, failInserts: 1 })
    try {
      for (const click of clicks('lnk_h6', 4)) c.sink.push(click)
      await until('the batch is held', () => c.held.size === 4)
      await c.sink.flush()
      expect(c.lines.some((l) => l.msg.includes('held clicks not stored yet'))).toBe(true)
      expect(await countClicks(ch, "link_id = 'lnk_h6'")).toBe(0)
      expect(c.held.size).toBe(4)
      await until('they are inserted on a later try', async () => (await countClicks(ch, "link_id = 'lnk_h6'")) === 4)
      expect(c.counted.map((x) => x.clicks)).toEqual([4])
    } finally {
      await c.sink.close()
    }
  }, 30_000)

  /** A staged batch as the worker makes it, without a sink. */
  async function staged(link: string, k: number): Promise<EnrichedBatch & { staged: string }> {
    const ring = new ClickRing(256 * 1024)
    for (const click of clicks(link, k)) ring.push(click)
    const slice = ring.take(k)!
    const batch = await w.enrichBatch(slice)
    ring.release(slice)
    return batch as EnrichedBatch & { staged: string }
  }

  test('clicks held by a process that was killed go in at the next start, and are counted again by their tokens', async () => {
    const heldDir = join(dir, 'killed', 'held')
    const first = await HeldClicks.open(heldDir, recordingLogger().log as Logger)
    await first.hold(await staged('lnk_h7', 3), 'tok-h7-a')
    await first.hold(await staged('lnk_h7', 2), 'tok-h7-b')
    // (the process dies here: nothing released; the next one opens the same directory)
    const next = await HeldClicks.open(heldDir, recordingLogger().log as Logger)
    expect(next.size).toBe(5)
    expect(next.due(Date.now(), 60_000)).toBe(true)
    const counted: string[] = []
    await next.release({
      insert: (files, token, skipLinks) => ch.insertFiles!({ table: 'clicks', columns: COLUMN_TYPES, files, skipLinks, settings: settings(token) }),
      count: async (_batch, token) => void counted.push(token),
    })
    expect(await countClicks(ch, "link_id = 'lnk_h7'")).toBe(5)
    expect(counted).toEqual(['tok-h7-a', 'tok-h7-b'])
    expect(readdirSync(heldDir)).toEqual([])
  }, 30_000)

  test('an insert repeated after a kill between it and its clean-up is dropped by the engine', async () => {
    const heldDir = join(dir, 'twice', 'held')
    const first = await HeldClicks.open(heldDir, recordingLogger().log as Logger)
    await first.hold(await staged('lnk_h8', 4), 'tok-h8-a')
    await first.hold(await staged('lnk_h8', 1), 'tok-h8-b')
    const insert = (files: string[], token: string, skipLinks: readonly string[]) =>
      ch.insertFiles!({ table: 'clicks', columns: COLUMN_TYPES, files, skipLinks, settings: settings(token) })
    // The insert lands, and the process dies before it removes anything.
    await expect(first.release({ insert: async (...a) => { await insert(...a); throw new Error('killed') }, count: async () => {} })).rejects.toThrow('killed')
    expect(await countClicks(ch, "link_id = 'lnk_h8'")).toBe(5)
    const next = await HeldClicks.open(heldDir, recordingLogger().log as Logger)
    expect(await next.release({ insert, count: async () => {} })).toBe(5)
    expect(await countClicks(ch, "link_id = 'lnk_h8'")).toBe(5)
  }, 30_000)

  test('a line cut short by a kill is skipped, and files without a line are removed at start', async () => {
    const heldDir = join(dir, 'cut', 'held')
    const first = await HeldClicks.open(heldDir, recordingLogger().log as Logger)
    await first.hold(await staged('lnk_h9', 2), 'tok-h9-a')
    const orphan = await staged('lnk_h9', 3)
    await Bun.write(join(heldDir, 'tok-h9-b.tsv'), Bun.file(orphan.staged))
    await appendFile(join(heldDir, 'held.jsonl'), '{"token":"tok-h9-b","si')
    const { log, lines } = recordingLogger()
    const next = await HeldClicks.open(heldDir, log as Logger)
    expect(next.size).toBe(2)
    expect(next.corruptLines).toBe(1)
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('corrupt line'))).toBe(true)
    expect(existsSync(join(heldDir, 'tok-h9-b.tsv'))).toBe(false)
    expect(existsSync(join(heldDir, 'tok-h9-a.tsv'))).toBe(true)
  }, 30_000)
})

describe('held clicks in the running service', () => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ clickhouse: true, env: { TRUST_PROXY: 'true', CLICK_FLUSH_MS: '100', CLICK_HOLD_MS: '600000' } })
    s = await h.listen()
    for (const slug of ['held-kept', 'held-gone', 'held-bot']) expect((await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/h', slug } })).status).toBe(201)
  }, 60_000)
  afterAll(async () => { await h.close() })

  const held = () => (h.deps.clicks as ClickHouseSink).metrics().find((l) => l.startsWith('kurz_clicks_held '))

  test("a link's clicks count at once, its analytics see them at the first read, and links deleted meanwhile leave no trace", async () => {
    for (const [slug, ua] of [['held-kept', CHROME], ['held-kept', CHROME], ['held-gone', CHROME], ['held-bot', GOOGLEBOT]])
      expect((await fetch(`${s.url}/${slug}`, { redirect: 'manual', headers: { 'x-forwarded-for': '8.8.8.8', 'user-agent': ua } })).status).toBe(302)
    await until('the clicks are held', () => held() === 'kurz_clicks_held 4')
    // (read from PostgreSQL itself: the API's link answer reads its analytics too, which inserts them)
    const [kept] = await h.deps.db.select({ clicks: links.clicks }).from(links).where(eq(links.slug, 'held-kept'))
    expect(kept.clicks).toBe(2)
    // (a link whose only click is a bot's is in no count: its deletion must still leave no row)
    for (const slug of ['held-gone', 'held-bot']) expect((await h.api('DELETE', `/api/v1/links/${slug}`)).status).toBeLessThan(300)
    const overview = await h.api('GET', '/api/v1/analytics/overview?bots=include')
    expect(overview.body.data.summary.totalClicks).toBe(2)
    expect(held()).toBe('kurz_clicks_held 0')
    const report = await h.api('GET', '/api/v1/analytics/links/held-kept?range=all')
    expect(report.body.data.summary.totalClicks).toBe(2)
  }, 60_000)

  test('held clicks of more links than a statement takes parameters still leave the deleted ones out', async () => {
    const created = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/h', slug: 'held-many' } })
    expect(created.status).toBe(201)
    const [live] = await h.deps.db.select({ id: links.id }).from(links).where(eq(links.slug, 'held-many'))
    // 70,000 links that PostgreSQL does not have, past the 65,535 parameters of one statement, and one it has
    const raws = Array.from({ length: 70_000 }, (_, i) => rawClick({ linkId: `lnk_held_many_${i}` }))
    raws.push(rawClick({ linkId: live.id, ua: GOOGLEBOT }))
    const ch = h.deps.clickhouse!
    const file = join(ch.stageDir!, 'held-many.tsv')
    writeFileSync(file, (await new Enricher('salt-held', null).enrichBatch(raws)).tsv)
    const gone = new Set(await goneLinks(ch, h.deps.db, [file]))
    expect(gone.size).toBe(70_000)
    expect(gone.has('lnk_held_many_69999')).toBe(true)
    expect(gone.has(live.id)).toBe(false)
  }, 60_000)
})
