// The slim copy of a link that the redirect plane keeps (in the cache, in Redis, as bytes in the
// arena), its cache key, and the rules that read it. Every field here is read on a visit; the
// rest of a link (payload, title, tags) stays in PostgreSQL. To add a field, see entry-codec.ts.

import { type SmartEntry, type SmartEntryRow, smartEntryOf } from './smart-entry'

export type LinkEntry = {
  id: string
  ownerId: string
  /** Destination for kind `url`; null for typed links, whose page is /l/{slug}. */
  target: string | null
  status: 'ACTIVE' | 'EXPIRED' | 'USED' | 'DISABLED'
  /** Epoch milliseconds, 0 for none. */
  expiresAt: number
  singleUse: boolean
  kind: 'url' | 'wifi' | 'vcard' | 'text'
  /**
   * Password, click limit, fallback, previews, and routing rules, A/B test and UTM values
   * (smart-entry.ts); null on a plain link, the one test its visit pays.
   */
  smart: SmartEntry | null
}

/** A cached "no such link", so that enumeration never reaches Postgres. */
export const MISS = 0 as const
export type Cached = LinkEntry | typeof MISS

/** The columns of a link row that its entry is made of. */
export type LinkEntryRow = {
  id: string; userId: string; originalUrl: string | null; status: LinkEntry['status']
  expiresAt: Date | null; singleUse: boolean; kind: LinkEntry['kind']
} & SmartEntryRow

export const cacheKey = (domain: string, slug: string) => `${domain}/${slug}`

/**
 * The rules of every route that serves a link: unknown or disabled is `missing` (404), expired or
 * used up is `gone` (410). The clock is read only for links that have an expiry.
 */
export function stateOf(entry: Cached): 'missing' | 'gone' | 'live' {
  if (entry === MISS || entry.status === 'DISABLED') return 'missing'
  if (entry.status !== 'ACTIVE' || (entry.expiresAt !== 0 && entry.expiresAt <= Date.now())) return 'gone'
  return 'live'
}

export function toLinkEntry(row: LinkEntryRow): LinkEntry {
  return {
    id: row.id,
    ownerId: row.userId,
    target: row.kind === 'url' ? row.originalUrl : null,
    status: row.status,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : 0,
    singleUse: row.singleUse,
    kind: row.kind,
    smart: smartEntryOf(row),
  }
}
