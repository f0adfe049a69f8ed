// Routes of the custom domains API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { createDomain, getDomain, listDomains, verifyDomain } from './service'
import { deleteDomain } from './delete-domain'
import { updateBody, updateDomain } from './fallbacks'
import { createBody, idParam, responses } from './model'

export function domainsPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.domains', prefix: '/api/v1/domains', detail: { tags: ['Domains'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createDomain(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createBody, response: { 201: responses.one, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.create })
    .get('', ({ caller }) => listDomains(deps, caller),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .get('/:id', ({ params, caller }) => getDomain(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .post('/:id/verify', ({ params, caller }) => verifyDomain(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.verify })
    .patch('/:id', ({ params, body, caller }) => updateDomain(deps, caller, params.id, body),
      { auth: true, params: idParam, body: updateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.update })
    .delete('/:id', ({ params, caller }) => deleteDomain(deps, caller, params.id),
      { auth: true, params: idParam, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
}
