// POST /{slug}: the password page's form. Answered by Bun's router beside the redirect (the API's
// body guard reads JSON only). The form's body is bounded and read as URL-encoded `password`.
import type { Deps } from '../deps'
import { AppError, errorResponse } from '../errors'
import { SLUG_PATTERN } from '../links/slug'
import { linkUnavailable } from '../pages/notice'
import { clientIp, hostOf, type RequestServer } from '../shared/request'
import { readBoundedText } from '../shared/json-body'
import type { DomainNamespaces } from './domains'
import { type LinkEntry, cacheKey, stateOf } from './link-entry'
import { resolveLimited } from './miss-limit'
import { unlockByForm } from './protect'
import { unavailableOrFallback } from './smart-visit'
import type { RedirectHandler } from './index'

/** A password form is tiny; anything larger is refused unread. */
const MAX_FORM_BYTES = 4096

export function createUnlockHandler(deps: Deps, namespaces: DomainNamespaces): RedirectHandler {
  return async function unlock(req, server) {
    const url = new URL(req.url)
    const slug = url.pathname.slice(1)
    if (!SLUG_PATTERN.test(slug)) return linkUnavailable(req, 'missing')
    const domain = namespaces.any ? namespaces.namespaceOf(hostOf(req)) : ''
    const query = url.search.slice(1)
    let entry = deps.linkCache.peek(cacheKey(domain, slug))
    if (entry === undefined) {
      try {
        entry = await resolveLimited(deps, clientIp(deps.config.trustProxy, req, server), domain, slug)
      } catch (error) {
        if (error instanceof AppError) return errorResponse(error.status, error.code, error.message, error.details, { 'retry-after': String(error.details.retryAfter) })
        return errorResponse(503, 'SERVICE_UNAVAILABLE', 'Try again shortly')
      }
    }
    const state = stateOf(entry)
    if (state !== 'live') return unavailableOrFallback(deps, entry, req, domain, state)
    const link = entry as LinkEntry
    if (link.smart === null || link.smart.pw === null)
      return errorResponse(405, 'METHOD_NOT_ALLOWED', 'Only a password-protected link takes a POST', {}, { allow: 'GET, HEAD, OPTIONS' })
    const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/x-www-form-urlencoded')
      return errorResponse(400, 'VALIDATION_ERROR', 'The form must be sent as application/x-www-form-urlencoded', { field: 'body', in: 'headers' })
    let text: string
    try {
      text = req.body ? await readBoundedText(req, MAX_FORM_BYTES) : ''
    } catch {
      return errorResponse(413, 'PAYLOAD_TOO_LARGE', `The form is larger than ${MAX_FORM_BYTES} bytes`, { limit: MAX_FORM_BYTES })
    }
    const password = new URLSearchParams(text).get('password') ?? ''
    return unlockByForm(deps, req, server as RequestServer, link, slug, query, password)
  }
}
