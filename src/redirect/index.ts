// GET|HEAD /{slug}: the hot path. An LRU hit answers synchronously: no parsing, no I/O, no await.
// What a visit decides, and in which order, is in visit.ts; this file reads the request and redirects.
import type { Deps } from '../deps'
import { SLUG_PATTERN } from '../links/slug'
import type { DomainNamespaces } from './domains'
import { hostOf, type RequestServer } from '../shared/request'
import { linkUnavailable } from '../pages/notice'
import { type Landing, visit } from './visit'
import { unavailableOrFallback } from './smart-visit'
import { MISS } from './link-entry'

export type RedirectHandler = (req: Request, server: RequestServer) => Response | Promise<Response>

export function createRedirectHandler(deps: Deps, namespaces: DomainNamespaces): RedirectHandler {
  const { config } = deps
  // 302 by default, not 301: browsers cache a 301 and later clicks would never be counted.
  const status = config.redirectStatus
  const typedBase = `${config.baseUrl}/l/`
  const scheme = new URL(config.baseUrl).protocol
  // A typed link on a custom domain has its page on that domain, in that domain's namespace.
  const typedPage = (domain: string, slug: string) => (domain ? `${scheme}//${domain}/l/${slug}` : typedBase + slug)

  const land: Landing = (_req, link, location, domain, slug) => {
    // Typed links live on their tracked page, which counts the visit itself.
    if (location === null) return new Response(null, { status, headers: { location: typedPage(domain, slug) } })
    if (!link.singleUse) deps.metrics.redirects++
    return new Response(null, { status, headers: { location } })
  }

  return function redirect(req, server) {
    const url = req.url
    const pathStart = url.indexOf('/', url.indexOf('//') + 2)
    const q = url.indexOf('?', pathStart)
    const slug = q === -1 ? url.slice(pathStart + 1) : url.slice(pathStart + 1, q)
    const domain = namespaces.any ? namespaces.namespaceOf(hostOf(req)) : ''
    // (a custom domain's notFoundUrl takes any path of it that is no link)
    if (!SLUG_PATTERN.test(slug)) return domain ? unavailableOrFallback(deps, MISS, req, domain, 'missing') : linkUnavailable(req, 'missing')
    const query = q === -1 ? '' : url.slice(q + 1)
    return visit(deps, req, server, domain, slug, query, 'redirect', land)
  }
}
