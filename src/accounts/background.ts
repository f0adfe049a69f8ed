// Work that an answer must not wait for, because its duration would tell whether an account
// exists (a lookup, a token insert, a mail): it starts after the answer, its errors are logged,
// and backgroundIdle() lets shutdown and tests wait for it.
import type { Logger } from '../shared/log'

/** Whose work it is: the app (its Deps); its logger takes the errors. */
type Owner = { log: Logger }

const running = new WeakMap<Owner, Set<Promise<void>>>()

export function inBackground(deps: Owner, what: string, work: () => Promise<void>): void {
  let tasks = running.get(deps)
  if (!tasks) running.set(deps, (tasks = new Set()))
  const task: Promise<void> = new Promise((resolve) => setImmediate(resolve))
    .then(work)
    .catch((e) => deps.log.error(`could not ${what}`, { error: String(e) }))
    .finally(() => tasks.delete(task))
  tasks.add(task)
}

/** Resolves when every task started so far (and any they started) has finished. */
export async function backgroundIdle(deps: Owner): Promise<void> {
  const tasks = running.get(deps)
  while (tasks && tasks.size > 0) await Promise.all([...tasks])
}
