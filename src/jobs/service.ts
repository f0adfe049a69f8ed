// Who may run the scheduled tasks, and which: the cron secret, or an administrator's credentials.
import { timingSafeEqual } from 'node:crypto'
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { authenticate } from '../auth/service'
import { runTasks, TASKS, type Task } from './tasks'

export async function runCron(deps: Deps, query: { secret?: string; task?: Task | 'all' }, headers: Headers) {
  if (!(query.secret && sameSecret(query.secret, deps.config.cronSecret))) {
    if (query.secret) throw new AppError('UNAUTHORIZED', 'The cron secret is wrong')
    const caller = await authenticate(deps, deps.callers, headers)
    if (caller.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Only administrators may run scheduled tasks')
  }
  const task = query.task ?? 'all'
  const results = await runTasks(deps, task === 'all' ? TASKS : [task])
  return { success: true as const, data: { task, results } }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
