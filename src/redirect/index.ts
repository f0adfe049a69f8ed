// GET|HEAD /{slug}: the hot path. An LRU hit answers synchronously: no parsing, no I/O, no await.
import type { Deps } from '../deps'
import { AppError, errorResponse } from '../errors'
import { SLUG_PATTERN } from '../links/slug'
import { type Cached, type LinkEntry, cacheKey, stateOf } from './cache'
import { resolveLimited } from './miss-limit'
import { consumeSingleUse } from './single-use'
import type { DomainNamespaces } from './domains'
import { clientIp, countsAsClick, hostOf, type RequestServer } from '../shared/request'
import { rawClickOf } from '../clicks/raw-click'
import { linkUnavailable } from '../pages/notice'

// A page for browsers, the envelope for API clients: Accept is read on these two answers only.
const notFound = (req: Request) => linkUnavailable(req, 'missing')
const gone = (req: Request) => linkUnavailable(req, 'gone')
const unavailable = () => errorResponse(503, 'SERVICE_UNAVAILABLE', 'Try again shortly')
const limited = (e: AppError) => errorResponse(e.status, e.code, e.message, e.details, { 'retry-after': String(e.details.retryAfter) })

export type RedirectHandler = (req: Request, server: RequestServer) => Response | Promise<Response>

export function createRedirectHandler(deps: Deps, namespaces: DomainNamespaces): RedirectHandler {
  const { linkCache, clicks, config } = deps
  // 302 by default, not 301: browsers cache a 301 and later clicks would never be counted.
  const status = config.redirectStatus
  const trustProxy = config.trustProxy
  const typedBase = `${config.baseUrl}/l/`
  const scheme = new URL(config.baseUrl).protocol
  // A typed link on a custom domain has its page on that domain, in that domain's namespace.
  const typedPage = (domain: string, slug: string) => (domain ? `${scheme}//${domain}/l/${slug}` : typedBase + slug)

  function answer(entry: Cached, req: Request, server: RequestServer, slug: string, domain: string, query: string): Response | Promise<Response> {
    const state = stateOf(entry)
    if (state === 'missing') {
      deps.metrics.redirectMisses++
      return notFound(req)
    }
    if (state === 'gone') return gone(req)
    const link = entry as LinkEntry
    // Typed links live on their tracked page, which counts the visit itself.
    if (link.target === null) return new Response(null, { status, headers: { location: typedPage(domain, slug) } })
    const location = query ? withQuery(link.target, query) : link.target
    if (link.singleUse) {
      // A preview or a HEAD must not use up a single-use link, recorded or not.
      if (!countsAsClick(req)) return new Response(null, { status, headers: { location } })
      const click = rawClickOf(req, server, trustProxy, link, domain, query)
      return consumeSingleUse(deps, link.id, click).then((won) => {
        if (!won) return gone(req)
        if (clicks.records) clicks.push(click)
        return new Response(null, { status, headers: { location } })
      })
    }
    // With CLICKS_RECORD=false nothing reads the click: its headers and address are not read either.
    if (clicks.records && countsAsClick(req)) clicks.push(rawClickOf(req, server, trustProxy, link, domain, query))
    deps.metrics.redirects++
    return new Response(null, { status, headers: { location } })
  }

  return function redirect(req, server) {
    const url = req.url
    const pathStart = url.indexOf('/', url.indexOf('//') + 2)
    const q = url.indexOf('?', pathStart)
    const slug = q === -1 ? url.slice(pathStart + 1) : url.slice(pathStart + 1, q)
    if (!SLUG_PATTERN.test(slug)) return notFound(req)
    const domain = namespaces.any ? namespaces.namespaceOf(hostOf(req)) : ''
    const query = q === -1 ? '' : url.slice(q + 1)
    const key = cacheKey(domain, slug)
    const hit = linkCache.peek(key)
    if (hit !== undefined) return answer(hit, req, server, slug, domain, query)
    deps.metrics.redirectSlowPath++
    // Only here, past the cache, is the client's address read: misses are limited per address.
    return resolveLimited(deps, clientIp(trustProxy, req, server), domain, slug).then(
      (entry) => answer(entry, req, server, slug, domain, query),
      (error) => {
        if (error instanceof AppError) return limited(error)
        deps.log.warn('redirect lookup failed', { slug, error: String(error) })
        return unavailable()
      },
    )
  }
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

