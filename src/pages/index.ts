// GET / : what this server is, as a page for browsers and as JSON for API clients.
import { Elysia, t } from 'elysia'
import { ok } from '../shared/envelope'
import { homePage } from './notice'
import { errorsOf } from '../shared/error-schemas'
import { publicOperation } from '../docs/security'

const home = ok(t.Object({ name: t.String(), description: t.String(), docs: t.String(), openapi: t.String() }))

export function pagesPlugin() {
  return new Elysia({ name: 'kurz.pages', detail: { tags: ['Operations'] } })
    .get('/', ({ request }) => homePage(request),
      {
        response: { 200: home, ...errorsOf(400) },
        detail: publicOperation('What this server is', 'A small HTML page with links to /docs for browsers (Accept: text/html); this JSON otherwise. Public.'),
      })
}
