// Routes of a domain's previous provider: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { getPreviousProvider, removePreviousProvider, setPreviousProvider } from './service'
import { idParams, responses, setBody } from './model'

export function previousProviderPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.previous-provider', prefix: '/api/v1/domains/:id/previous-provider', detail: { tags: ['Custom domains'] } })
    .use(auth)
    .get('', ({ params, caller }) => getPreviousProvider(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.maybe, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
    .put('', ({ params, body, caller }) => setPreviousProvider(deps, caller, params.id, body),
      { auth: true, params: idParams, body: setBody, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.set })
    .delete('', ({ params, caller }) => removePreviousProvider(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.removed, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.remove })
}
