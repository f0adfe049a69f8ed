// Routes of UTM templates and of the breakdown analytics (by utm_*, variant, ..., filtered by tag).
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { breakdown, createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from './service'
import { breakdownQuery, createTemplateBody, responses, templateIdParam, updateTemplateBody } from './model'

export function utmPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.utm', prefix: '/api/v1', detail: { tags: ['UTM'] } })
    .use(auth)
    .post('/utm-templates', ({ body, caller, status }) => createTemplate(deps, caller, body).then((r) => status(201, r)),
      { auth: true, body: createTemplateBody, response: { 201: responses.one, ...authErrors, ...errorsOf(400, 409, 503) }, detail: docs.create })
    .get('/utm-templates', ({ caller }) => listTemplates(deps, caller),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .get('/utm-templates/:id', ({ params, caller }) => getTemplate(deps, caller, params.id),
      { auth: true, params: templateIdParam, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .patch('/utm-templates/:id', ({ params, body, caller }) => updateTemplate(deps, caller, params.id, body),
      { auth: true, params: templateIdParam, body: updateTemplateBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 409, 503) }, detail: docs.update })
    .delete('/utm-templates/:id', ({ params, caller }) => deleteTemplate(deps, caller, params.id),
      { auth: true, params: templateIdParam, response: { 200: responses.deleted, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.delete })
    .get('/analytics/breakdown', ({ query, caller }) => breakdown(deps, caller, query),
      { auth: true, query: breakdownQuery, response: { 200: responses.breakdown, ...authErrors, ...errorsOf(400, 404, 503) }, detail: { ...docs.breakdown, tags: ['Analytics'] } })
}
