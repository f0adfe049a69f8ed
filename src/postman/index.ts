// GET /postman.json: the Postman collection of the live OpenAPI document (public, as the document is).
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { errorsOf } from '../shared/error-schemas'
import { publicOperation } from '../docs/security'
import { collectionOf } from './service'

/** `handle`: the app's own handler, which answers /openapi.json as it stands now. */
export function postmanPlugin(deps: Deps, handle: (request: Request) => Promise<Response> | Response) {
  return new Elysia({ name: 'kurz.postman' })
    .get('/postman.json', async ({ set }) => {
      const doc = await (await handle(new Request(`${deps.config.baseUrl}/openapi.json`))).json() as Record<string, unknown>
      set.headers['content-disposition'] = 'inline; filename="kurz.postman_collection.json"'
      return collectionOf(doc, deps.config.baseUrl)
    }, {
      response: { 200: t.Object({}, { additionalProperties: true, description: 'A Postman v2.1 collection' }), ...errorsOf(400) },
      detail: {
        tags: ['Operations'],
        ...publicOperation('Postman collection',
          'Every operation of this API as a Postman v2.1 collection (one folder per tag), generated from the live OpenAPI document. '
          + 'Import it into Postman and set the collection variables `base_url` (this service\'s origin; preset) and `api_key` (an API '
          + 'key, sent as `Authorization: Bearer {{api_key}}`). Public.'),
      },
    })
}
