// Routes of the analytics API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { errorSchemas } from '../shared/error-schemas'
import { accountReport, linkReport, overview } from './service'
import { accountQuery, rangeQuery, responses, shortCodeParam } from './model'

export function analyticsPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.analytics', prefix: '/api/v1/analytics', detail: { tags: ['Analytics'] } })
    .use(auth)
    .get('/overview', ({ query, caller }) => overview(deps, caller, query),
      { auth: true, query: rangeQuery, response: { 200: responses.overview, ...errorSchemas } })
    .get('/links/:shortCode', ({ params, query, caller }) => linkReport(deps, caller, params.shortCode, query),
      { auth: true, params: shortCodeParam, query: rangeQuery, response: { 200: responses.link, ...errorSchemas } })
    .get('/account', ({ query, caller }) => accountReport(deps, caller, query),
      { auth: true, query: accountQuery, response: { 200: responses.account, ...errorSchemas } })
}
