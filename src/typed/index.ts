// GET|HEAD /l/{slug} (and /l/{slug}.vcf): the public page of typed links; one call into page.ts.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { errorSchemas } from '../shared/error-schemas'
import { typedPage } from './page'

const params = t.Object({ slug: t.String({ minLength: 1, maxLength: 100 }) })
const query = t.Object({
  format: t.Optional(t.String({ description: 'vcf: the contact card of a vcard link (text/vcard)' })),
}, { additionalProperties: true })
const page = t.String({ description: 'text/html page, or text/vcard with format=vcf; a url link answers 302' })

export function typedPagePlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.typed', detail: { tags: ['Redirects'] } })
    .get('/l/:slug', ({ params, query, request, server }) => typedPage(deps, request, server, params.slug, query.format),
      { params, query, response: { 200: page, ...errorSchemas } })
}
