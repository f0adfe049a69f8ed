// Helpers for the click-plane tests: user agents, raw clicks, and counting rows in ClickHouse.
import type { RawClick } from '../../src/clicks/sink'
import { rows, type ClickHouse } from '../../src/clicks/client'

export const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
export const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

export function rawClick(over: Partial<RawClick> = {}): RawClick {
  return { ts: Date.now(), linkId: 'lnk_test', ownerId: 'usr_test', domain: '', ip: '8.8.8.8', ua: CHROME, referer: '', query: '', ...over }
}

export async function countClicks(ch: ClickHouse, where = '1'): Promise<number> {
  const [r] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM clicks WHERE ${where}`)
  return Number(r.n)
}

export async function distinctEvents(ch: ClickHouse): Promise<number> {
  const [r] = await rows<{ n: string }>(ch, 'SELECT uniqExact(event_id) AS n FROM clicks')
  return Number(r.n)
}
