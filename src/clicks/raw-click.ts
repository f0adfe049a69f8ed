// What the redirect plane hands the click plane: the raw facts of a counted redirect, read from
// the request and nothing parsed, so that the hot path stays cheap.
import { clientIp, type RequestServer, type TrustProxy } from '../shared/request'

/** The raw facts of one counted redirect; nothing here is parsed on the hot path. */
export type RawClick = {
  ts: number
  linkId: string
  ownerId: string
  domain: string
  ip: string
  ua: string
  referer: string
  /** The query string of the short URL, without '?', for UTM values. */
  query: string
  /** The A/B test's variant the visitor was sent to, when the link has a test. */
  variant?: string
}

/**
 * The raw facts of a request, read the same way by every route that counts a click. `ip`: the
 * client's address when the visit already read it (clientIp, as here).
 */
export function rawClickOf(
  req: Request, server: RequestServer, trustProxy: TrustProxy,
  link: { id: string; ownerId: string }, domain: string, query: string, ip?: string,
): RawClick {
  const h = req.headers
  return {
    ts: Date.now(), linkId: link.id, ownerId: link.ownerId, domain,
    ip: ip ?? clientIp(trustProxy, req, server), ua: h.get('user-agent') ?? '', referer: h.get('referer') ?? '', query,
  }
}
