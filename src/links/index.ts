// Routes of the links API: each handler is one call into the service.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { bulkAction, bulkCreate } from './bulk'
import { createLink, deleteLink, findOwnLink, listLinks, updateLink } from './service'
import { present } from './present'
import { bulkActionBody, bulkBody, createBody, listQuery, responses, updateBody } from './model'
import { linkAnalytics } from './link-breakdown'

const idParam = t.Object({ idOrSlug: t.String({ minLength: 1, maxLength: 200 }) })

export function linksPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.links', prefix: '/api/v1/links', detail: { tags: ['Links'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createLink(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createBody, response: { 201: responses.created, ...authErrors, ...errorsOf(400, 402, 403, 409, 503) }, detail: docs.create })
    .get('', ({ query, caller }) => listLinks(deps, caller, query),
      { auth: true, query: listQuery, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .post('/bulk', ({ body, caller }) => bulkCreate(deps, caller, body.links),
      { auth: true, body: bulkBody, response: { 200: responses.bulk, ...authErrors, ...errorsOf(400, 503) }, detail: docs.bulk })
    .post('/bulk-action', ({ body, caller }) => bulkAction(deps, caller, body.shortCodes, body.action),
      { auth: true, body: bulkActionBody, response: { 200: responses.bulkAction, ...authErrors, ...errorsOf(400, 503) }, detail: docs.bulkAction })
    .get('/:idOrSlug', async ({ params, caller }) => {
      const row = await findOwnLink(deps, caller, params.idOrSlug)
      return { success: true as const, data: { ...present(deps, row), analytics: await linkAnalytics(deps, row) } }
    }, { auth: true, params: idParam, response: { 200: responses.detail, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .patch('/:idOrSlug', ({ params, body, caller }) => updateLink(deps, caller, params.idOrSlug, body),
      { auth: true, params: idParam, body: updateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 403, 404, 409, 503) }, detail: docs.patch })
    .put('/:idOrSlug', ({ params, body, caller }) => updateLink(deps, caller, params.idOrSlug, body),
      { auth: true, params: idParam, body: updateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 403, 404, 409, 503) }, detail: docs.put })
    .delete('/:idOrSlug', ({ params, caller }) => deleteLink(deps, caller, params.idOrSlug),
      { auth: true, params: idParam, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
}
