// GET|HEAD /l/{slug}: the tracked page of a typed link. It is a visit like a redirect (visit.ts:
// the same look-up, 404/410, single use and count); only then is the payload, not in the cache,
// read by id.
import { eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { links } from '../db/schema'
import { SLUG_PATTERN } from '../links/slug'
import { shortUrlBase } from '../links/present'
import type { LinkEntry } from '../redirect/link-entry'
import { visit } from '../redirect/visit'
import { qrSvgOrNull } from '../qr/render'
import { qrContent, vcardText } from './content'
import { CONTENT_SECURITY_POLICY, renderPage } from './html'
import { htmlHeaders } from '../shared/html'
import { linkUnavailable } from '../pages/notice'
import { hostOf, queryOf, type RequestServer } from '../shared/request'

// Every view is a click, and a Wi-Fi password is no one else's business: nothing may cache it.
const PAGE_HEADERS = htmlHeaders(CONTENT_SECURITY_POLICY)

export async function typedPage(deps: Deps, request: Request, server: RequestServer, param: string, format?: string): Promise<Response> {
  const vcf = param.endsWith('.vcf') || format === 'vcf'
  const slug = param.endsWith('.vcf') ? param.slice(0, -4) : param
  if (!SLUG_PATTERN.test(slug)) return linkUnavailable(request, 'missing')
  const domain = deps.domains.namespaceOf(hostOf(request))
  // The contact download belongs to a page view that was already counted.
  return visit(deps, request, server, domain, slug, queryOf(request.url), vcf ? 'download' : 'page',
    (req, link, location) => landOnPage(deps, req, link, location, domain, slug, vcf))
}

async function landOnPage(deps: Deps, request: Request, entry: LinkEntry, location: string | null, domain: string, slug: string, vcf: boolean): Promise<Response> {
  // A url link's page is its destination.
  if (entry.kind === 'url') return new Response(null, { status: deps.config.redirectStatus, headers: { location: location! } })
  if (vcf && entry.kind !== 'vcard') return linkUnavailable(request, 'missing')
  const [row] = await deps.db.select({ payload: links.payload, title: links.title }).from(links).where(eq(links.id, entry.id))
  if (!row) return linkUnavailable(request, 'missing')
  const payload = (row.payload ?? {}) as Record<string, unknown>
  if (vcf) return vcardResponse(slug, payload)
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
