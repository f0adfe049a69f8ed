// Turns raw clicks into ClickHouse rows, off the hot path: UA parsing behind an LRU of UA strings,
// bot flag with its reason, geo lookup, referrer host, UTM values and the visitor hash. The raw
// IP goes into the hash and the geo lookup, and nowhere else.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { LRUCache } from 'lru-cache'
import { Reader } from 'maxmind'
import UAParser from 'ua-parser-js'
import { isbotMatch } from 'isbot'
import type { RawClick } from './raw-click'
import { isRingSlice, type RingSlice } from './ring'
import { batchOf, type EnrichedBatch } from './batch'
import type { ClickRow } from './click-row'
import { triggerOf } from '../qr/marker'

/** Turns raw clicks into a batch ready for ClickHouse and the counters. */

/** Real user agents are under 300 characters; longer ones are parsed each time, never kept. */
const MAX_CACHED_AGENT = 512
export interface BatchEnricher {
  /** `announced`: the accounts whose clicks link.clicked webhooks announce (the batch's facts). */
  /** `clicks`: objects, or a slice of the ring that the redirect thread writes them to. */
  enrichBatch(clicks: RawClick[] | RingSlice, announced?: ReadonlySet<string>): Promise<EnrichedBatch>
  /**
   * Enriches a ring slice ahead of the flush that will take it, and keeps the result: a later
   * enrichBatch of a slice that begins with this one uses it instead of enriching those clicks
   * again. Nothing depends on it: a slice whose kept result is gone is enriched then.
   */
  hold?(slice: RingSlice, announced?: ReadonlySet<string>): Promise<void>
  close?(): Promise<void>
}

type Agent = { device: string; browser: string; os: string; isBot: 0 | 1; botReason: string }
/**
 * What `place` reads of a record: GeoLite2/GeoIP2 (`country.iso_code`, `city.names.en`), or the flat
 * records of the ip-location-db files (`country_code`, and `city`, '' when unknown, in their city files).
 */
type GeoRecord = { country_code?: string; country?: { iso_code?: string }; city?: string | { names?: { en?: string } } }
type GeoReader = { get(ip: string): GeoRecord | null; metadata: { ipVersion: number } }
type Place = { country: string; city: string }
const NOWHERE: Place = { country: '', city: '' }
const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i

/**
 * Decoded geo records kept per file, as many as maxmind's own open() keeps. A country file has a few
 * hundred; a city file has far more, each with names in several languages: the bound caps that.
 */
const GEO_RECORDS_CACHED = 10_000
const DEFAULT_GEO_DB = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'
/** Enriches in the calling thread: inside the enrichment worker, and in tests. */
export class Enricher implements BatchEnricher {
  private readonly agents = new LRUCache<string, Agent>({ max: 10_000 })
  private readonly digest = new Uint8Array(32)
  /** Looked up in the order given; an IPv6 address only in the ip_version 6 ones. */
  private readonly geo: GeoReader[]

  /** `geoipDb`: MaxMind-format files (GEOIP_DB); null or none: the bundled country database. */
  constructor(private readonly salt: string, geoipDb: readonly string[] | null) {
    const paths = geoipDb?.length ? geoipDb : [Bun.resolveSync(DEFAULT_GEO_DB, import.meta.dir)]
    this.geo = paths.map(openGeo)
  }

  async enrichBatch(clicks: RawClick[] | RingSlice, announced?: ReadonlySet<string>): Promise<EnrichedBatch> {
    return batchOf(this.enrichRows(isRingSlice(clicks) ? clicks.ring.decode(clicks) : clicks), announced)
  }

  enrichRows(clicks: RawClick[]): ClickRow[] {
    return clicks.map((c) => this.enrich(c))
  }

  enrich(c: RawClick): ClickRow {
    const agent = this.agent(c.ua)
    const place = this.place(c.ip)
    const utm = utmValues(c.query)
    return {
      event_id: Bun.randomUUIDv7('hex', c.ts),
      ts: c.ts,
      owner_id: c.ownerId,
      link_id: c.linkId,
      domain: c.domain,
      country: place.country,
      city: place.city,
      device: agent.device,
      browser: agent.browser,
      os: agent.os,
      referrer_host: referrerHost(c.referer),
      utm_source: utm.source,
      utm_medium: utm.medium,
      utm_campaign: utm.campaign,
      is_bot: agent.isBot,
      bot_reason: agent.botReason,
      visitor_hash: this.visitorHash(c.ip, c.ua, c.ts),
      utm_term: utm.term,
      utm_content: utm.content,
      variant: c.variant ?? '',
      trigger: triggerOf(c.query),
    }
  }

  /** How many parsed user agents are kept. */
  get cachedAgents(): number {
    return this.agents.size
  }

  private agent(ua: string): Agent {
    // A visitor writes the user agent: only short ones are kept, or long ones would fill memory.
    if (ua.length > MAX_CACHED_AGENT) return parseAgent(ua)
    let a = this.agents.get(ua)
    if (a === undefined) {
      a = parseAgent(ua)
      this.agents.set(ua, a)
    }
    return a
  }

  /** The country and city of an address, for routing rules that read them (the same look-up as a click's). */
  locate(ip: string): Place {
    return this.place(ip)
  }

  /** The place in the first file that can hold the address and has a record for it. */
  private place(ip: string): Place {
    const addr = IPV4_MAPPED.exec(ip)?.[1] ?? ip
    const version = isIP(addr)
    if (version === 0) return NOWHERE
    for (const geo of this.geo) {
      // The reader does not check its input, and walks an IPv6 address's first 32 bits through an
      // IPv4-only tree (the ip-location-db *-ipv4.mmdb files): a wrong place.
      if (version === 6 && geo.metadata.ipVersion === 4) continue
      let rec: GeoRecord | null = null
      try {
        rec = geo.get(addr)
      } catch {
        // a damaged database: no location from it rather than a lost batch
      }
      if (!rec) continue
      const city = typeof rec.city === 'string' ? rec.city : rec.city?.names?.en
      return { country: rec.country_code ?? rec.country?.iso_code ?? '', city: city ?? '' }
    }
    return NOWHERE
  }

  /** 48 bits of SHA-256(salt, ip, ua, day): unique per visitor and day, not reversible to the IP. */
  private visitorHash(ip: string, ua: string, ts: number): number {
    const day = Math.floor(ts / 86_400_000)
    // One-shot into a reused buffer: a CryptoHasher object per click cost twice as much.
    const d = this.digest
    Bun.SHA256.hash(`${this.salt}\n${ip}\n${ua}\n${day}`, d)
    return ((d[0] * 256 + d[1]) * 256 + d[2]) * 0x1000000 + ((d[3] << 16) | (d[4] << 8) | d[5])
  }
}

/** Any MaxMind-format file: GeoLite2 records, or the flat records of the default's family. */
function openGeo(path: string): GeoReader {
  try {
    // Records are decoded once per file offset, as maxmind's own open() does: without the cache
    // every look-up decodes its record anew, half of what a look-up costs.
    return new Reader(readFileSync(path), { cache: new LRUCache<number, object>({ max: GEO_RECORDS_CACHED }) }) as unknown as GeoReader
  } catch (e) {
    throw new Error(`GEOIP_DB file ${path} cannot be opened: ${(e as Error).message}`)
  }
}

export function parseAgent(ua: string): Agent {
  if (!ua) return { device: 'unknown', browser: 'unknown', os: 'unknown', isBot: 1, botReason: 'empty user-agent' }
  const r = new UAParser(ua).getResult()
  const match = isbotMatch(ua)
  return {
    device: match ? 'bot' : r.device.type ?? 'desktop',
    browser: r.browser.name ?? 'unknown',
    os: r.os.name ?? 'unknown',
    isBot: match ? 1 : 0,
    botReason: match ? `user-agent matches "${match}"` : '',
  }
}

/** The referring host without `www.`; '' for direct visits or an unparsable Referer. */
export function referrerHost(referer: string): string {
  if (!referer) return ''
  const start = referer.indexOf('://')
  if (start === -1) return ''
  let host = referer.slice(start + 3)
  const end = host.search(/[/?#]/)
  if (end !== -1) host = host.slice(0, end)
  host = host.slice(host.lastIndexOf('@') + 1).toLowerCase()
  if (!host.startsWith('[')) host = host.replace(/:\d+$/, '')
  return host.startsWith('www.') ? host.slice(4) : host
}

export function utmValues(query: string): { source: string; medium: string; campaign: string; term: string; content: string } {
  if (!query.includes('utm_')) return { source: '', medium: '', campaign: '', term: '', content: '' }
  const p = new URLSearchParams(query)
  const v = (k: string) => (p.get(k) ?? '').slice(0, 200)
  return { source: v('utm_source'), medium: v('utm_medium'), campaign: v('utm_campaign'), term: v('utm_term'), content: v('utm_content') }
}
