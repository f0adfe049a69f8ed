// GET /api/v1/links/{idOrSlug}/history: one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { linkHistory } from './service'
import { historyParams, historyResponse } from './model'

export function historyPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.history', prefix: '/api/v1/links', detail: { tags: ['Links'] } })
    .use(auth)
    .get('/:idOrSlug/history', ({ params, caller }) => linkHistory(deps, caller, params.idOrSlug),
      { auth: true, params: historyParams, response: { 200: historyResponse, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.history })
}
