// Background work yields to the redirect thread: once the enrichment worker runs, it and the
// process's other background threads have a lower priority, and the main thread and the runtime's
// collector threads keep theirs (Linux only: elsewhere nothing changes).
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { BACKGROUND_NICE } from '../src/shared/thread-priority'
import { within } from './support/poll'

type Thread = { tid: number; name: string; nice: number }
function threads(): Thread[] {
  return readdirSync('/proc/self/task').flatMap((t) => {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return [{ tid: Number(t), name: readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(), nice: Number(fields[16]) }]
    } catch {
      return []
    }
  })
}

describe.skipIf(!existsSync('/proc/self/task'))('thread priority', () => {
  test('the enrichment worker runs below the main thread, which keeps its priority, as do the collector threads', async () => {
    const mainBefore = threads().find((t) => t.tid === process.pid)!.nice
    const w = await WorkerEnricher.open('salt-p', null)
    try {
      const lowered = await within(5000, true, async () => threads().some((t) => t.name === 'Worker' && t.nice === BACKGROUND_NICE))
      expect(lowered).toBe(true)
      const now = threads()
      expect(now.find((t) => t.tid === process.pid)!.nice).toBe(mainBefore)
      const collectors = now.filter((t) => /^(HeapHelper|.*ollector Thread)$/.test(t.name))
      for (const c of collectors) expect(c.nice).toBe(mainBefore)
    } finally {
      await w.close()
    }
  })
})
