// Routes of the tags API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { createTag, deleteTag, getTag, listTags, updateTag } from './service'
import { createTagBody, responses, tagIdParam, updateTagBody } from './model'

export function tagsPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.tags', prefix: '/api/v1/tags', detail: { tags: ['Tags'] } })
    .use(auth)
    .post('', ({ body, caller, status }) => createTag(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createTagBody, response: { 201: responses.one, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.create })
    .get('', ({ caller }) => listTags(deps, caller),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .get('/:id', ({ params, caller }) => getTag(deps, caller, params.id),
      { auth: true, params: tagIdParam, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .patch('/:id', ({ params, body, caller }) => updateTag(deps, caller, params.id, body),
      { auth: true, params: tagIdParam, body: updateTagBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 409, 503) }, detail: docs.update })
    .delete('/:id', ({ params, caller }) => deleteTag(deps, caller, params.id),
      { auth: true, params: tagIdParam, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
}
