// Downloads of an account's data: its links (CSV or JSON) and its raw clicks (CSV), streamed.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { exportClicks, exportLinks } from './service'
import { clicksExportQuery, clicksFile, linksExportQuery, linksFile } from './model'

export function exportPlugin(deps: Deps, auth: AuthPlugin) {
  return new Elysia({ name: 'kurz.export', prefix: '/api/v1' })
    .use(auth)
    .get('/links/export', ({ query, caller }) => exportLinks(deps, caller, query.format ?? 'csv'),
      { auth: true, query: linksExportQuery, response: { 200: linksFile, ...authErrors, ...errorsOf(400, 503) }, detail: { tags: ['Links'], ...docs.links } })
    .get('/analytics/export', ({ query, caller }) => exportClicks(deps, caller, query),
      { auth: true, query: clicksExportQuery, response: { 200: clicksFile, ...authErrors, ...errorsOf(400, 404, 503) }, detail: { tags: ['Analytics'], ...docs.clicks } })
}
