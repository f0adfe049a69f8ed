// The facts of a page request that the click and the namespace need, read as the redirect reads them.
import type { Deps } from '../deps'

type RequestServer = { requestIP(r: Request): { address: string } | null } | null

/** The Host header without its port, lower case. */
export function hostOf(req: Request): string {
  const host = req.headers.get('host') ?? new URL(req.url).host
  const colon = host.lastIndexOf(':')
  return (colon > host.lastIndexOf(']') ? host.slice(0, colon) : host).toLowerCase()
}

/** The query string without '?', as RawClick.query carries it. */
export function queryOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? '' : url.slice(q + 1)
}

/** Link previews and prefetches see the page but are not clicks. */
export function isPreview(req: Request): boolean {
  const h = req.headers
  const purpose = h.get('sec-purpose') ?? h.get('purpose') ?? h.get('x-purpose')
  return purpose !== null && /prefetch|preview/i.test(purpose)
}

/** The first X-Forwarded-For hop behind a trusted proxy, else the socket's address ('' when unknown). */
export function clientIp(deps: Deps, req: Request, server: RequestServer): string {
  if (deps.config.trustProxy) {
    const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  return server?.requestIP(req)?.address ?? ''
}
