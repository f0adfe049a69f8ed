// Admin routes for accounts: `{ admin: true }` resolves the caller and requires role ADMIN.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { listUsers, updateUser } from './service'
import { idParams, listQuery, responses, updateBody } from './model'

export function adminPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.admin', prefix: '/api/v1/admin', detail: { tags: ['Admin'] } })
    .use(auth)
    .get('/users', ({ query }) => listUsers(deps, query),
      { admin: true, query: listQuery, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .patch('/users/:id', ({ params, body, caller }) => updateUser(deps, caller, params.id, body),
      { admin: true, params: idParams, body: updateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.update })
}
