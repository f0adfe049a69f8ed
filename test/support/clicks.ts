// Helpers for the click-plane tests: user agents, raw clicks, and counting rows in ClickHouse.
import type { RawClick } from '../../src/clicks/raw-click'
import { rows, type ClickHouse } from '../../src/clicks/client'
import type { EnrichedBatch } from '../../src/clicks/batch'

export const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
export const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

export function rawClick(over: Partial<RawClick> = {}): RawClick {
  return { ts: Date.now(), linkId: 'lnk_test', ownerId: 'usr_test', domain: '', ip: '8.8.8.8', ua: CHROME, referer: '', query: '', ...over }
}

/** A batch to compare with another enrichment's: event ids are random per enrichment, and the counts' text is the worker's alone. */
export const withoutIds = (b: EnrichedBatch) => ({ ...b, countsJson: undefined, tsv: new TextDecoder().decode(b.tsv).split('\n').map((l) => l.split('\t').slice(1).join('\t')) })

export async function countClicks(ch: ClickHouse, where = '1'): Promise<number> {
  const [r] = await rows<{ n: string }>(ch, `SELECT count() AS n FROM clicks WHERE ${where}`)
  return Number(r.n)
}

export async function distinctEvents(ch: ClickHouse): Promise<number> {
  const [r] = await rows<{ n: string }>(ch, 'SELECT uniqExact(event_id) AS n FROM clicks')
  return Number(r.n)
}

/** A logger that keeps what it was told, for asserting on warnings. */
export function recordingLogger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields })
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

/** A TCP port nothing listens on (bound once, then released). */
export function closedPort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = s.port
  s.stop(true)
  return port
}

/** Waits for a server run as a child process to answer /health; throws with its stderr if it exits. */
export async function waitUntilUp(base: string, child: Bun.Subprocess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${await new Response(child.stderr as ReadableStream).text()}`)
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return
    await Bun.sleep(100)
  }
  throw new Error('server did not start')
}
