// GET|HEAD /l/{slug} (and /l/{slug}.vcf): the public page of typed links; one call into page.ts.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { errorsOf } from '../shared/error-schemas'
import { publicOperation } from '../docs/security'
import { mediaAnswer, redirectAnswer } from '../docs/document'
import { typedPage } from './page'

const params = t.Object({ slug: t.String({ minLength: 1, maxLength: 100 }) })
const query = t.Object({
  format: t.Optional(t.String({ description: 'vcf: the contact card of a vcard link (text/vcard)' })),
}, { additionalProperties: true })
const page = mediaAnswer('The page (HTML), or the contact card with format=vcf', { 'text/html': 'text', 'text/vcard': 'text' })
const detail = publicOperation('Page of a typed link',
  'The page a wifi, vcard or text link opens: its content and a QR code; `format=vcf` answers a vcard link\'s contact card. Counts one '
  + 'click, as a redirect does (HEAD counts none). A url link redirects to its destination. Public: no credentials, no plan limit. '
  + 'Errors: 404 LINK_NOT_FOUND (unknown or disabled); 410 LINK_EXPIRED (expired or used up); 400 VALIDATION_ERROR; '
  + '401 LINK_PASSWORD_REQUIRED/INVALID and 429 (password tries) for a password-protected url link.')

export function typedPagePlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.typed', detail: { tags: ['Redirects'] } })
    .get('/l/:slug', ({ params, query, request, server }) => typedPage(deps, request, server, params.slug, query.format),
      { params, query, response: { 200: page, 302: redirectAnswer('A url link: its destination'), ...errorsOf(400, 401, 404, 410, 429, 503) }, detail })
}
