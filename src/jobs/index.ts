// GET|POST /api/cron?secret=&task=renew|weekly|expire|all
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { errorsOf } from '../shared/error-schemas'
import { callerSecurity } from '../docs/security'
import { runCron } from './service'

const query = t.Object({
  secret: t.Optional(t.String()),
  task: t.Optional(oneOf(['renew', 'weekly', 'expire', 'all'])),
})
const response = { 200: ok(t.Object({ task: t.String(), results: t.Record(t.String(), t.Unknown()) })), ...errorsOf(400, 401, 403, 503) }
const detail = {
  summary: 'Run scheduled jobs',
  description: 'Runs `task` (default all): renew rolls usage periods and lapsed subscriptions over, weekly sends each account\'s '
    + 'weekly report, expire marks links past their expiry EXPIRED and fires link.expired once per link. Each piece of work is done '
    + 'once, however many runs overlap. Takes the installation\'s CRON_SECRET as `secret`, or an administrator\'s key or JWT. '
    + 'Errors: 401 UNAUTHORIZED (a wrong secret, no credentials), API_KEY_INVALID, TOKEN_EXPIRED; 403 FORBIDDEN (not an administrator), '
    + 'ACCOUNT_BLOCKED; 400 VALIDATION_ERROR (an unknown task).',
  security: [{ cronSecret: [] }, ...callerSecurity],
}

export function cronPlugin(deps: Deps) {
  return new Elysia({ name: 'kurz.cron', prefix: '/api/cron', detail: { tags: ['Scheduled jobs'] } })
    .get('', ({ query, request }) => runCron(deps, query, request.headers), { query, response, detail })
    .post('', ({ query, request }) => runCron(deps, query, request.headers), { query, response, detail })
}
