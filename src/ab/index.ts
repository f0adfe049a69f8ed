// Routes of a link's A/B test: its results, and ending it.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { abResults, endAbTest } from './service'
import { endBody, idParam, responses, resultsQuery } from './model'

export function abPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.ab', prefix: '/api/v1/links', detail: { tags: ['Links'] } })
    .use(auth)
    .get('/:idOrSlug/ab-test', ({ params, query, caller }) => abResults(deps, caller, params.idOrSlug, query),
      { auth: true, params: idParam, query: resultsQuery, response: { 200: responses.results, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.results })
    .post('/:idOrSlug/ab-test/end', ({ params, body, caller }) => endAbTest(deps, caller, params.idOrSlug, body.winner),
      { auth: true, params: idParam, body: endBody, response: { 200: responses.ended, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.end })
}
