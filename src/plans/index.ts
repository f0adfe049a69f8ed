// Route of the plans table (GET /api/v1/plans): configuration, read once at start.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { docs } from './docs'
import { responses, toPlan } from './model'

export function plansPlugin(deps: Deps, auth: AuthPlugin) {
  const plans = deps.config.plans.map(toPlan)
  return new Elysia({ name: 'kurz.plans', detail: { tags: ['Account'] } })
    .use(auth)
    .get('/api/v1/plans', ({ caller }) => ({ success: true as const, data: { plans, current: caller.plan.name } }),
      { auth: true, response: { 200: responses.list, ...authErrors, ...errorsOf(400, 503) }, detail: docs.list })
}
