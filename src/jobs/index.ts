// GET|POST /api/cron?secret=&task=renew|weekly|expire|all
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { errorSchemas } from '../shared/error-schemas'
import { runCron } from './service'

const query = t.Object({
  secret: t.Optional(t.String()),
  task: t.Optional(oneOf(['renew', 'weekly', 'expire', 'all'])),
})
const response = { 200: ok(t.Object({ task: t.String(), results: t.Record(t.String(), t.Unknown()) })), ...errorSchemas }

export function cronPlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.cron', prefix: '/api/cron', detail: { tags: ['Scheduled jobs'] } })
    .get('', ({ query, request }) => runCron(deps, query, request.headers), { query, response })
    .post('', ({ query, request }) => runCron(deps, query, request.headers), { query, response })
}
