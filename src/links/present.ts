// How a link is shown: its short URL, its API shape and the payload of its events. No Elysia and
// no service here, so that the redirect and click planes may show links as the API does.
import type { Config } from '../config'
import type { LinkRow } from '../db/schema'
import type { EventType } from '../events/outbox'
import type { Link } from './model'
import { presentSmart } from './smart-fields'

/** What showing a link reads: the base URL and the clock (a link past its expiry shows as EXPIRED). */
export type Presenting = { config: Pick<Config, 'baseUrl'>; now: () => Date }

/** The origin of a link's short URL (BASE_URL, or its custom domain with BASE_URL's scheme), and the default domain's host. */
export type ShortUrlBase = ((domain: string) => string) & { readonly defaultHost: string }

/** BASE_URL is parsed once, not once per link shown (a page of 100 links parsed it 100 times). */
const bases = new Map<string, ShortUrlBase>()

export function shortUrlBaseOf(baseUrl: string): ShortUrlBase {
  let base = bases.get(baseUrl)
  if (!base) {
    const { protocol, host } = new URL(baseUrl)
    base = Object.assign((domain: string) => (domain ? `${protocol}//${domain}` : baseUrl), { defaultHost: host })
    bases.set(baseUrl, base)
  }
  return base
}

export const shortUrlBase = (deps: Presenting) => shortUrlBaseOf(deps.config.baseUrl)

export const present = (deps: Presenting, row: LinkRow) => toLink(effective(row, deps.now()), shortUrlBase(deps))

/** A link past its expiry shows as EXPIRED even before the expire job has marked it. */
export function effective(row: LinkRow, now: Date): LinkRow {
  return row.status === 'ACTIVE' && row.expiresAt && row.expiresAt <= now ? { ...row, status: 'EXPIRED' } : row
}

/** The outbox event of a change to a link: who, what, and the link as its webhooks show it. */
export function linkEvent(deps: Presenting, type: EventType, row: LinkRow, extra: Record<string, unknown>) {
  const link = present(deps, row)
  return {
    userId: row.userId,
    type,
    data: { id: row.id, shortCode: link.shortCode, shortUrl: link.shortUrl, originalUrl: link.originalUrl, ...extra },
  }
}

/** Picks the API fields one by one: no column leaks. */
export function toLink(row: LinkRow, shortUrlBase: ShortUrlBase): Link {
  const isActive = row.status === 'ACTIVE'
  const path = row.kind === 'url' ? row.slug : `l/${row.slug}`
  return {
    id: row.id,
    shortCode: row.slug,
    slug: row.slug,
    shortUrl: `${shortUrlBase(row.domain)}/${path}`,
    domain: row.domain || shortUrlBase.defaultHost,
    kind: row.kind,
    originalUrl: row.originalUrl,
    payload: (row.payload as Record<string, unknown> | null) ?? null,
    title: row.title,
    summary: row.summary,
    status: row.status,
    isActive,
    singleUse: row.singleUse,
    clicks: row.clicks,
    usedCount: row.clicks,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    source: row.source,
    rules: (row.rules as Link['rules']) ?? null,
    abTest: (row.abTest as Link['abTest']) ?? null,
    utm: (row.utm as Link['utm']) ?? null,
    tagIds: row.tagIds ?? [],
    ...presentSmart(row),
  }
}
