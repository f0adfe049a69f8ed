// The decisions a visit makes only for smart links (entry.smart set) and for links that lead
// nowhere: the password gate, social previews, and the fallbacks (expiredUrl, notFoundUrl).
// Each fallback is a destination checked on write, so no visitor input ever reaches Location.
import type { Deps } from '../deps'
import { linkUnavailable } from '../pages/notice'
import type { RequestServer } from '../shared/request'
import { type Cached, type LinkEntry, MISS } from './link-entry'
import { passwordGate } from './protect'
import { isPreviewCrawler, previewPage } from './preview'

/** 404/410, or a redirect to the link's expiredUrl, or to its custom domain's expiredUrl or notFoundUrl. */
export function unavailableOrFallback(deps: Deps, entry: Cached, req: Request, domain: string, state: 'missing' | 'gone'): Response {
  const own = state === 'gone' && entry !== MISS && entry.smart !== null ? entry.smart.exp : null
  const to = own ?? deps.domains.fallbackOf(domain, state)
  if (to === null) return linkUnavailable(req, state)
  return new Response(null, { status: 302, headers: { location: to, 'cache-control': 'no-store' } })
}

/**
 * What a smart link's visit answers before its destination is chosen: the password page (or 401/429),
 * a crawler's preview page, or null to go on (a promise of null: after the password header was checked).
 */
export function smartGate(deps: Deps, req: Request, server: RequestServer, link: LinkEntry, slug: string, query: string, arrival: string): Response | Promise<Response | null> | null {
  const smart = link.smart!
  // (every arrival: /l/{slug} and its .vcf of a url link lead to its destination too)
  if (smart.pw !== null) {
    const gate = passwordGate(deps, req, server, link, slug, query)
    if (gate !== null) return gate
  }
  if (smart.og !== null && arrival === 'redirect' && isPreviewCrawler(req)) return previewPage(smart.og)
  return null
}

