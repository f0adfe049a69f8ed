// The in-process schedule (unless CRON_INTERNAL=false). Every instance may run it: the tasks
// claim their work, so nothing is done twice.
import type { Deps } from '../deps'
import { expireLinks, renewPeriods, weeklyReports } from './tasks'
import { runAnalyticsDeletions } from './analytics-deletions'
import { kick } from '../imports/service'

// Imports start at once on the instance that takes the upload; the sweep picks up those that an
// instance left behind when it stopped.
const EVERY = { expire: 30_000, renew: 3_600_000, weekly: 3_600_000, analyticsDeletions: 15_000, imports: 30_000 }

/** Starts the timers; returns a stop function that waits for the runs under way (they use the database). */
export function startScheduler(deps: Deps): () => Promise<void> {
  const underWay = new Set<Promise<unknown>>()
  const run = (name: string, fn: () => Promise<unknown>) => () => {
    const running = fn().catch((e) => deps.log.warn('scheduled task failed', { task: name, error: String(e) }))
      .finally(() => underWay.delete(running))
    underWay.add(running)
  }
  const timers = [
    setInterval(run('expire', () => expireLinks(deps)), EVERY.expire),
    setInterval(run('renew', () => renewPeriods(deps)), EVERY.renew),
    setInterval(run('weekly', () => weeklyReports(deps)), EVERY.weekly),
    setInterval(run('analytics-deletions', () => runAnalyticsDeletions(deps)), EVERY.analyticsDeletions),
    setInterval(run('imports', () => kick(deps)), EVERY.imports),
  ]
  for (const t of timers) t.unref()
  void run('expire', () => expireLinks(deps))()
  void run('imports', () => kick(deps))()
  return async () => {
    timers.forEach(clearInterval)
    await Promise.all(underWay)
  }
}
