// GET|HEAD /l/{slug}: the tracked page of a typed link. It resolves through the redirect plane's
// cache, counts the visit like a redirect does, and reads the payload (not in the cache) by id.
import { eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { links } from '../db/schema'
import { SLUG_PATTERN } from '../links/slug'
import { shortUrlBase } from '../links/present'
import { cacheKey, stateOf, type LinkEntry } from '../redirect/cache'
import { rawClickOf } from '../clicks/raw-click'
import { resolveLimited } from '../redirect/miss-limit'
import { consumeSingleUse } from '../redirect/single-use'
import { withQuery } from '../redirect/index'
import { qrSvgOrNull } from '../qr/render'
import { qrContent, vcardText } from './content'
import { CONTENT_SECURITY_POLICY, renderPage } from './html'
import { htmlHeaders } from '../shared/html'
import { linkUnavailable } from '../pages/notice'
import { clientIp, countsAsClick, hostOf, queryOf, type RequestServer } from '../shared/request'

// Every view is a click, and a Wi-Fi password is no one else's business: nothing may cache it.
const PAGE_HEADERS = htmlHeaders(CONTENT_SECURITY_POLICY)

export async function typedPage(deps: Deps, request: Request, server: RequestServer, param: string, format?: string): Promise<Response> {
  const vcf = param.endsWith('.vcf') || format === 'vcf'
  const slug = param.endsWith('.vcf') ? param.slice(0, -4) : param
  if (!SLUG_PATTERN.test(slug)) return linkUnavailable(request, 'missing')
  const domain = deps.domains.namespaceOf(hostOf(request))
  const key = cacheKey(domain, slug)
  const cached = deps.linkCache.peek(key) ?? await resolveLimited(deps, clientIp(deps.config.trustProxy, request, server), domain, slug)
  // The redirect's rules (stateOf): 404 for missing, 410 for gone, as a page for browsers.
  const state = stateOf(cached)
  if (state !== 'live') return linkUnavailable(request, state)
  const entry = cached as LinkEntry
  // The contact download belongs to a page view that was already counted.
  const counted = !vcf && countsAsClick(request)
  const query = queryOf(request.url)
  const click = counted ? rawClickOf(request, server, deps.config.trustProxy, entry, domain, query) : null
  const count = () => { if (click && deps.clicks.records) deps.clicks.push(click) }
  const usedUp = async () => click !== null && entry.singleUse && !(await consumeSingleUse(deps, entry.id, click))
  if (entry.kind === 'url') {
    if (await usedUp()) return linkUnavailable(request, 'gone')
    count()
    return new Response(null, { status: deps.config.redirectStatus, headers: { location: withQuery(entry.target!, query) } })
  }
  if (vcf && entry.kind !== 'vcard') return linkUnavailable(request, 'missing')
  const [row] = await deps.db.select({ payload: links.payload, title: links.title }).from(links).where(eq(links.id, entry.id))
  if (!row) return linkUnavailable(request, 'missing')
  const payload = (row.payload ?? {}) as Record<string, unknown>
  if (vcf) return vcardResponse(slug, payload)
  if (await usedUp()) return linkUnavailable(request, 'gone')
  count()
  const pageUrl = `${shortUrlBase(deps)(domain)}/l/${slug}`
  // Content too long for a QR code: the code takes the visitor to this page instead.
  const qrSvg = await qrSvgOrNull(qrContent(entry.kind, payload)) ?? await qrSvgOrNull(pageUrl)
  const html = renderPage({ kind: entry.kind, payload, title: row.title, qrSvg, vcfHref: `/l/${slug}.vcf` })
  return new Response(html, { headers: PAGE_HEADERS })
}

function vcardResponse(slug: string, payload: Record<string, unknown>): Response {
  return new Response(vcardText(payload), {
    headers: {
      'content-type': 'text/vcard; charset=utf-8',
      'content-disposition': `attachment; filename="${slug}.vcf"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
