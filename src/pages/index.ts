// GET / : what this server is, as a page for browsers and as JSON for API clients.
import { Elysia, t } from 'elysia'
import { ok } from '../shared/envelope'
import { homePage } from './notice'

const home = ok(t.Object({ name: t.String(), description: t.String(), docs: t.String(), openapi: t.String() }))

export function pagesPlugin() {
  return new Elysia({ name: 'kurz.pages', detail: { tags: ['Operations'] } })
    .get('/', ({ request }) => homePage(request),
      { response: { 200: home }, detail: { description: 'An HTML page for browsers (Accept: text/html), this JSON otherwise' } })
}
