// Routes of the analytics API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { accountReport, linkReport, overview } from './service'
import { accountQuery, overviewQuery, rangeQuery, responses, shortCodeParam } from './model'

export function analyticsPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.analytics', prefix: '/api/v1/analytics', detail: { tags: ['Analytics'] } })
    .use(auth)
    .get('/overview', ({ query, caller }) => overview(deps, caller, query),
      { auth: true, query: overviewQuery, response: { 200: responses.overview, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.overview })
    .get('/links/:shortCode', ({ params, query, caller }) => linkReport(deps, caller, params.shortCode, query),
      { auth: true, params: shortCodeParam, query: rangeQuery, response: { 200: responses.link, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.link })
    .get('/account', ({ query, caller }) => accountReport(deps, caller, query),
      { auth: true, query: accountQuery, response: { 200: responses.account, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.account })
}
