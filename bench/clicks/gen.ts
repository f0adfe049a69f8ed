// Shared by the click benchmarks: a varied stream of raw clicks, and a database with their links.
import { sql } from 'drizzle-orm'
import type { Db } from '../../src/db/client'
import type { RawClick } from '../../src/clicks/raw-click'

const UAS = Array.from({ length: 500 }, (_, i) => i % 7 === 0
  ? `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${i % 5} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${i % 4} Mobile/15E148 Safari/604.1`
  : i % 31 === 0 ? `Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) v${i}`
  : `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12${i % 10}.0.${i}.0 Safari/537.36`)
const REFERERS = ['', '', 'https://www.google.com/', 'https://t.co/abc', 'https://news.ycombinator.com/item?id=1', 'https://www.reddit.com/r/x']

export function rawClicks(n: number, ownerId: string, linkIds: string[], start = Date.now()): RawClick[] {
  const out: RawClick[] = new Array(n)
  for (let i = 0; i < n; i++) {
    out[i] = {
      ts: start + i,
      linkId: linkIds[i % linkIds.length],
      ownerId,
      domain: '',
      ip: `${(i * 7919) % 223 + 1}.${(i * 31) % 256}.${(i >> 8) % 256}.${i % 256}`,
      ua: UAS[i % UAS.length],
      referer: REFERERS[i % REFERERS.length],
      query: i % 10 === 0 ? 'utm_source=newsletter&utm_medium=email' : '',
    }
  }
  return out
}

/** One owner with `n` links, so that the per-batch counters statement updates real rows. */
export async function seedLinks(db: Db, n: number): Promise<{ ownerId: string; linkIds: string[] }> {
  const ownerId = `usr_bench_${Date.now()}`
  await db.execute(sql`insert into users (id, email, plan) values (${ownerId}, ${ownerId + '@bench.test'}, 'Business')`)
  const linkIds = Array.from({ length: n }, (_, i) => `lnk_bench_${Date.now()}_${i}`)
  const values = JSON.stringify(linkIds.map((id, i) => ({ id, slug: `b${Date.now().toString(36)}${i}` })))
  await db.execute(sql`insert into links (id, user_id, slug, original_url)
    select id, ${ownerId}, slug, 'https://example.com/' from json_to_recordset(${values}::json) as x(id text, slug text)`)
  return { ownerId, linkIds }
}
