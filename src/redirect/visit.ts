// A visit to a short link, for every route that serves one (the redirect /{slug}, the typed page
// /l/{slug}). Its decisions, in this order:
//   1. look-up: the local cache, synchronously; past it, the client's allowance of unknown slugs
//      (429), then Redis and PostgreSQL (503 when they fail);
//   2. state: unknown or disabled is 404, expired or used up is 410 (a page for browsers, the
//      envelope for API clients);
//   3. link rules (routing, passwords, A/B tests) belong here, before anything is used up or counted:
//      a smart link (entry.smart set) passes its gate first (smart-visit.ts: password, previews);
//   4. single use and maxClicks: one conditional UPDATE uses the link up before the click is counted; the click
//      that loses is 410. A preview or a HEAD neither uses it up nor counts;
//   5. count: the click is pushed (when clicks are recorded);
//   6. the route lands the visitor: a redirect, or the page.
// A cache hit on a plain link goes through all of it without a promise or an allocation of its own.
import type { Deps } from '../deps'
import { AppError, errorResponse } from '../errors'
import { rawClickOf } from '../clicks/raw-click'
import { clientIp, countsAsClick, type RequestServer } from '../shared/request'
import { type Cached, type LinkEntry, cacheKey, stateOf } from './link-entry'
import { resolveLimited } from './miss-limit'
import { consumeSingleUse } from './single-use'
import { decide } from '../rules/evaluate'
import { smartGate, unavailableOrFallback } from './smart-visit'
import { withoutQrMarker } from '../qr/marker'

/**
 * Where the visitor arrives: `redirect` (/{slug}; a typed link only leads to its page, which
 * counts the visit), `page` (/l/{slug}) or `download` (the contact file of a page already counted).
 */
export type Arrival = 'redirect' | 'page' | 'download'

/**
 * The route's answer to a visit let through (and counted). The redirect builds its own once, not per visit.
 * `location` is the destination with the visit's query; null for a typed link.
 */
export type Landing = (req: Request, link: LinkEntry, location: string | null, domain: string, slug: string) => Response | Promise<Response>

export type Visit = Response | Promise<Response>

const unavailable = () => errorResponse(503, 'SERVICE_UNAVAILABLE', 'Try again shortly')
const limited = (e: AppError) => errorResponse(e.status, e.code, e.message, e.details, { 'retry-after': String(e.details.retryAfter) })

/** A visit to (domain, slug), with the query string of the short URL ('' for none). */
export function visit(deps: Deps, req: Request, server: RequestServer, domain: string, slug: string, query: string, arrival: Arrival, land: Landing): Visit {
  const hit = deps.linkCache.peek(cacheKey(domain, slug))
  if (hit !== undefined) return serve(deps, hit, req, server, domain, slug, query, arrival, land)
  if (arrival === 'redirect') deps.metrics.redirectSlowPath++
  // Only here, past the cache, is the client's address read: misses are limited per address.
  return resolveLimited(deps, clientIp(deps.config.trustProxy, req, server), domain, slug).then(
    (entry) => serve(deps, entry, req, server, domain, slug, query, arrival, land),
    (error) => {
      if (error instanceof AppError) return limited(error)
      deps.log.warn('redirect lookup failed', { slug, error: String(error) })
      return unavailable()
    },
  )
}

function serve(deps: Deps, entry: Cached, req: Request, server: RequestServer, domain: string, slug: string, query: string, arrival: Arrival, land: Landing): Visit {
  const state = stateOf(entry)
  if (state !== 'live') {
    if (state === 'missing' && arrival === 'redirect') deps.metrics.redirectMisses++
    return unavailableOrFallback(deps, entry, req, domain, state)
  }
  const link = entry as LinkEntry
  if (link.smart !== null) {
    const gate = smartGate(deps, req, server, link, slug, query, arrival)
    if (gate !== null) return gate instanceof Promise ? gate.then((r) => r ?? serveLive(deps, link, req, server, domain, slug, query, arrival, land)) : gate
  }
  return serveLive(deps, link, req, server, domain, slug, query, arrival, land)
}

function serveLive(deps: Deps, link: LinkEntry, req: Request, server: RequestServer, domain: string, slug: string, query: string, arrival: Arrival, land: Landing): Visit {
  // Routing rules, A/B test and UTM: only a link that has them reads more of the request.
  let target = link.target
  let clickQuery = query
  let variant: string | undefined
  let ip: string | undefined
  const route = link.smart === null ? null : link.smart.route
  if (route !== null && target !== null) {
    const d = decide(deps, req, server, link, target, route, query, link.id)
    target = d.target
    query = d.query
    clickQuery = d.clickQuery
    variant = d.variant
    ip = d.ip
  }
  const location = target === null ? null : query ? withQuery(target, withoutQrMarker(query)) : target
  if (arrival === 'download' || (location === null && arrival === 'redirect')) return land(req, link, location, domain, slug)
  if (link.singleUse || (link.smart !== null && link.smart.max !== 0)) {
    if (!countsAsClick(req)) return land(req, link, location, domain, slug)
    const click = rawClickOf(req, server, deps.config.trustProxy, link, domain, clickQuery, ip)
    if (variant !== undefined) click.variant = variant
    return consumeSingleUse(deps, link.id, click).then((won) => {
      if (!won) return unavailableOrFallback(deps, link, req, domain, 'gone')
      if (deps.clicks.records) deps.clicks.push(click)
      return land(req, link, location, domain, slug)
    })
  }
  // With CLICKS_RECORD=false nothing reads the click: its headers and address are not read either.
  if (deps.clicks.records && countsAsClick(req)) {
    const click = rawClickOf(req, server, deps.config.trustProxy, link, domain, clickQuery, ip)
    if (variant !== undefined) click.variant = variant
    deps.clicks.push(click)
  }
  return land(req, link, location, domain, slug)
}

/** The short URL's query string is passed on to the destination, before any fragment; none adds nothing. */
export function withQuery(target: string, query: string): string {
  if (!query) return target
  const hash = target.indexOf('#')
  const base = hash === -1 ? target : target.slice(0, hash)
  const fragment = hash === -1 ? '' : target.slice(hash)
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'
  return base + sep + query + fragment
}
