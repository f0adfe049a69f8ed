// Routes of the imports API: each handler is one call into the service.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { getImport, listImports, startImport } from './service'
import { fileBody, idParams, importQuery, listQuery, responses } from './model'

/** The route whose body is a file (read as text, up to the bulk bound), not a JSON document. */
export const IMPORT_ROUTE = 'POST /api/v1/imports'

export function importsPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.imports', prefix: '/api/v1/imports', detail: { tags: ['Imports'] } })
    .use(auth)
    .post('', ({ body, query, caller, status }) =>
      startImport(deps, caller, body, { ...query, dryRun: query.dryRun === 'true' }).then((data) => status(202, { success: true as const, data })),
      { auth: true, body: fileBody, query: importQuery, response: { 202: responses.one, ...authErrors, ...errorsOf(400, 503) }, detail: docs.start })
    .get('', ({ query, caller }) => listImports(deps, caller, query),
      { auth: true, query: listQuery, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
    .get('/:id', ({ params, caller }) => getImport(deps, caller, params.id),
      { auth: true, params: idParams, response: { 200: responses.one, ...authErrors, ...errorsOf(400, 404, 503) }, detail: docs.get })
}
