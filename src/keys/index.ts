// Routes of the API keys API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { createKey, deleteKey, keyUsage, listKeys, regenerateKey, revokeAllKeys } from './service'
import { createBody, idParams, responses } from './model'

export function keysPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.keys', prefix: '/api/v1/keys', detail: { tags: ['API keys'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createKey(deps, caller, body.name).then((r) => status(201, r)),
      { auth: true, body: createBody, response: { 201: responses.created, ...authErrors, ...errorsOf(400, 503) }, detail: docs.create })
    .get('', ({ caller }) => listKeys(deps, caller),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    // An action route, not DELETE on the collection: a client bug that drops the id from
    // DELETE /keys/{id} must not revoke every key.
    .post('/revoke-all', ({ caller }) => revokeAllKeys(deps, caller),
      { auth: true, response: { 200: responses.revokedAll, ...authErrors, ...errorsOf(400, 503) }, detail: docs.revokeAll })
    .delete('/:id', ({ params, caller }) => deleteKey(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
    .post('/:id/regenerate', ({ params, caller }) => regenerateKey(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.created, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.regenerate })
    .get('/:id/usage', ({ params, caller }) => keyUsage(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.usage, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.usage })
}
