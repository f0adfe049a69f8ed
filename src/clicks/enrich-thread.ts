// The enrichment worker's entry: owns an Enricher and answers one message per batch, so that UA
// parsing, geo look-ups, hashing and the TabSeparated text never run on the redirect thread. Ring
// slices handed over ahead of their flush (hold) are enriched at once and kept, so that a busy
// instance's enrichment is spread over the seconds between flushes instead of following each one.
import { Enricher } from './enrich'
import type { FromWorker, ToWorker } from './enricher-client'
import type { RawClick } from './raw-click'
import { forPosting, mergeBatches, type EnrichedBatch } from './batch'
import { decodeRing, type RingSliceMessage } from './ring'
import { BackgroundThreads, LOWER_EVERY_MS } from '../shared/thread-priority'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

declare const self: Worker
let enricher: Enricher | null = null
/** The redirect thread's click ring, shared once; slices of it are read in place. */
let ring: Uint8Array | null = null
let stageDir: string | null = null

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data
  const reply = (m: FromWorker) => self.postMessage(m)
  try {
    if (msg.type === 'init') {
      enricher = new Enricher(msg.salt, msg.geoipDb)
      stageDir = msg.stageDir
      void yieldToRedirects()
      return reply({ type: 'ready' })
    }
    if (msg.type === 'ring') {
      ring = new Uint8Array(msg.buffer)
      return
    }
    if (!enricher) throw new Error('enrichment worker used before init')
    if (msg.type === 'enrich') {
      const batch = await enricher.enrichBatch(JSON.parse(msg.clicks) as RawClick[], new Set(msg.announced))
      return self.postMessage({ type: 'batch', id: msg.id, batch: forPosting(batch) } satisfies FromWorker, [batch.tsv.buffer as ArrayBuffer])
    }
    if (!ring) throw new Error('click ring slice sent before the ring')
    if (msg.type === 'hold') {
      held.set(msg.slice.from, { to: msg.slice.to, batch: await enricher.enrichBatch(decodeRing(ring, msg.slice), new Set(msg.announced)) })
      reply({ type: 'held', id: msg.id })
      return collectAfter(msg.slice.count)
    }
    const batch = await enrichSlice(enricher, ring, msg.slice, new Set(msg.announced))
    stage(batch)
    // The bytes move to the redirect thread without a copy.
    self.postMessage({ type: 'batch', id: msg.id, batch: forPosting(batch) } satisfies FromWorker, [batch.tsv.buffer as ArrayBuffer])
    collectAfter(msg.slice.count)
  } catch (error) {
    reply({ type: 'error', id: 'id' in msg ? msg.id : -1, message: String(error) })
  }
}

/** Ring slices enriched ahead of their flush (hold), by the position they begin at. */
const held = new Map<number, { to: number; batch: EnrichedBatch }>()

/**
 * The slice's batch: the held results that tile its beginning, and the rest enriched now. Every
 * held result the slice covers (or that lies before it, released since) is dropped.
 */
async function enrichSlice(enricher: Enricher, ring: Uint8Array, slice: RingSliceMessage, announced: ReadonlySet<string>): Promise<EnrichedBatch> {
  const parts: EnrichedBatch[] = []
  let at = slice.from
  let count = slice.count
  for (let h = held.get(at); h && h.to <= slice.to; h = held.get(at)) {
    parts.push(h.batch)
    count -= h.batch.size
    at = h.to
  }
  for (const [from, h] of held) if (h.to <= slice.to || from < slice.from) held.delete(from)
  if (at < slice.to) parts.push(await enricher.enrichBatch(decodeRing(ring, { from: at, to: slice.to, count }), announced))
  return parts.length === 1 ? parts[0] : mergeBatches(parts)
}

/**
 * Clicks enriched after which this thread collects its heap. The runtime paces its collections by
 * the machine's memory, so on a large machine a busy instance's worker let ~150 MB of enrichment's
 * garbage (copies of slices, rows, texts) pile up between them. What stays live is small (the
 * caches, ~20 MB), and at 3,000 clicks/s this runs once every 8 s.
 */
const COLLECT_EVERY_CLICKS = 25_000
let enrichedSinceCollect = 0

/** Collects this thread's heap once enough clicks went through it (after the answer: no flush waits for it). */
function collectAfter(clicks: number) {
  enrichedSinceCollect += clicks
  if (enrichedSinceCollect < COLLECT_EVERY_CLICKS) return
  enrichedSinceCollect = 0
  Bun.gc(true)
}

/** This thread and the process's other background threads (started since, too) yield to the redirect thread. */
async function yieldToRedirects() {
  const threads = await BackgroundThreads.open()
  threads.lower()
  setInterval(() => threads.lower(), LOWER_EVERY_MS).unref()
}

/** Writes the batch's bytes for the insert to read, here rather than on the redirect thread. */
function stage(batch: EnrichedBatch) {
  if (!stageDir || batch.size === 0) return
  const file = join(stageDir, `staged-${Bun.randomUUIDv7()}.tsv`)
  try {
    writeFileSync(file, batch.tsv)
    batch.staged = file
  } catch {
    // (the insert writes the bytes itself)
  }
}
