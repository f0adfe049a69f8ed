// The enrichment worker's entry: owns an Enricher and answers one message per batch, so that UA
// parsing, geo look-ups, hashing and the TabSeparated text never run on the redirect thread.
import { Enricher } from './enrich'
import type { FromWorker, ToWorker } from './enricher-client'
import type { RawClick } from './raw-click'
import type { EnrichedBatch } from './batch'
import { decodeRing } from './ring'
import { BackgroundThreads } from '../shared/thread-priority'
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
    let clicks: RawClick[]
    if (msg.type === 'enrich') clicks = JSON.parse(msg.clicks) as RawClick[]
    else if (ring) clicks = decodeRing(ring, msg.slice)
    else throw new Error('click ring slice sent before the ring')
    const batch = await enricher.enrichBatch(clicks, new Set(msg.announced))
    if (msg.type === 'enrich-ring') stage(batch)
    // The bytes move to the redirect thread without a copy.
    self.postMessage({ type: 'batch', id: msg.id, batch } satisfies FromWorker, [batch.tsv.buffer as ArrayBuffer])
  } catch (error) {
    reply({ type: 'error', id: 'id' in msg ? msg.id : -1, message: String(error) })
  }
}

const LOWER_EVERY_MS = 5000

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
