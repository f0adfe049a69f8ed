// Enrichment on its own thread: the same rows as in the calling thread, batches in several
// messages, a bad GEOIP_DB fails the start, and a worker that dies costs no click.
import { describe, expect, test } from 'bun:test'
import { Enricher } from '../src/clicks/enrich'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { jsonWithCounts } from '../src/clicks/batch'
import { CHROME, GOOGLEBOT, IPHONE, rawClick, withoutIds } from './support/clicks'

const sample = () => [
  rawClick({ ua: CHROME, ip: '8.8.8.8', referer: 'https://www.news.example.com/a', query: 'utm_source=nl&utm_medium=mail' }),
  rawClick({ ua: IPHONE, ip: '2a00:1450:4001:80b::200e', linkId: 'lnk_other' }),
  rawClick({ ua: GOOGLEBOT, ip: '', ts: Date.UTC(2026, 0, 31, 23, 59) }),
  rawClick({ ua: 'odd\x1fagent\x1ewith separators', referer: 'not a url', query: 'a=1\x1f' }),
]

describe('enrichment worker', () => {
  test('a batch larger than one message comes back whole, its counts added up', async () => {
    const w = await WorkerEnricher.open('salt-w', null)
    try {
      const clicks = Array.from({ length: 4500 }, (_, i) => rawClick({ linkId: i % 3 === 0 ? 'lnk_a' : 'lnk_b', ts: Date.UTC(2026, 4, 1, 12) }))
      const batch = await w.enrichBatch(clicks)
      expect(batch.size).toBe(4500)
      expect(new TextDecoder().decode(batch.tsv).trimEnd().split('\n')).toHaveLength(4500)
      expect(batch.counts.sort((x, y) => x.link_id.localeCompare(y.link_id))).toEqual([
        { link_id: 'lnk_a', period: '2026-05-01', n: 1500 },
        { link_id: 'lnk_b', period: '2026-05-01', n: 3000 },
      ])
    } finally {
      await w.close()
    }
  })

  test('the worker gives the rows and counts the calling thread gives', async () => {
    const clicks = sample()
    const w = await WorkerEnricher.open('salt-w', null)
    try {
      const inWorker = await w.enrichBatch(clicks)
      const inThread = await new Enricher('salt-w', null).enrichBatch(clicks)
      expect(inWorker.size).toBe(4)
      expect(withoutIds(inWorker)).toEqual(withoutIds(inThread))
      expect(new TextDecoder().decode(inWorker.tsv)).toContain('\tUS\t')
    } finally {
      await w.close()
    }
  })

  test("a batch's counts cross from the worker as one JSON text, and what writes the counts writes that text", async () => {
    const w = await WorkerEnricher.open('salt-w', null)
    try {
      const batch = await w.enrichBatch(sample())
      expect(batch.counts.length).toBeGreaterThan(0)
      expect(JSON.parse(batch.countsJson!)).toEqual(batch.counts)
      const written = jsonWithCounts({ token: 'tok', size: batch.size, counts: [{ link_id: 'stale', period: '2026-01-01', n: 1 }] }, { counts: [], countsJson: batch.countsJson })
      expect(JSON.parse(written)).toEqual({ counts: batch.counts, token: 'tok', size: batch.size })
      // (counts added up on this side have no text: they are serialised)
      expect(JSON.parse(jsonWithCounts({}, { counts: batch.counts }))).toEqual({ counts: batch.counts })
    } finally {
      await w.close()
    }
  })

  test('a GEOIP_DB that cannot be read fails the start', async () => {
    await expect(WorkerEnricher.open('s', ['/nonexistent/geo.mmdb'])).rejects.toThrow(/geo\.mmdb/)
  })

  test('batches keep being enriched after the worker dies', async () => {
    const w = await WorkerEnricher.open('salt-w', null)
    try {
      ;(w as unknown as { worker: Worker }).worker.terminate()
      const batch = await w.enrichBatch(sample())
      expect(batch.size).toBe(4)
      expect((await w.enrichBatch(sample())).size).toBe(4)
    } finally {
      await w.close()
    }
  })
})
