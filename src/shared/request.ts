// The facts of an HTTP request that the redirect, the typed-link page and the limits all read.

/** What a request handler needs of the server it came through (Bun's and Elysia's both fit). */
export type RequestServer = { requestIP(r: Request): { address: string } | null } | null

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

/** Link previews and prefetches are served but are not clicks. */
export function isPreview(req: Request): boolean {
  const h = req.headers
  // Chromium and Safari send Sec-Purpose, Firefox and older Chromium Purpose; X-Purpose is legacy.
  const purpose = h.get('sec-purpose') ?? h.get('purpose') ?? h.get('x-purpose')
  return purpose !== null && /prefetch|preview/i.test(purpose)
}

/** A visit that counts as a click: not a HEAD, not a link preview or prefetch. */
export function countsAsClick(req: Request): boolean {
  return req.method !== 'HEAD' && !isPreview(req)
}

/** The first X-Forwarded-For hop behind a trusted proxy, else the socket's address; '' when unknown. */
export function clientIp(trustProxy: boolean, req: Request, server: RequestServer): string {
  if (trustProxy) {
    const forwarded = req.headers.get('x-forwarded-for')
    if (forwarded) {
      const comma = forwarded.indexOf(',')
      const first = (comma === -1 ? forwarded : forwarded.slice(0, comma)).trim()
      if (first) return first
    }
  }
  return server?.requestIP(req)?.address ?? ''
}
