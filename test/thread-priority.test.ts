// Background work yields to the redirect thread: once the enrichment worker runs, it and the
// process's other background threads have a lower priority, and the main thread and the runtime's
// collector threads keep theirs; the redirect thread asks for a short time slice, which background
// threads do not keep (Linux only: elsewhere nothing changes).
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { WorkerEnricher } from '../src/clicks/enricher-client'
import { release } from 'node:os'
import { BACKGROUND_NICE, LOWER_EVERY_MS, preferWakeups, REDIRECT_SLICE_NS } from '../src/shared/thread-priority'
import { within } from './support/poll'

type Thread = { tid: number; name: string; nice: number; slice: number }
function threads(): Thread[] {
  return readdirSync('/proc/self/task').flatMap((t) => {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const slice = Number(/^se\.slice\s*:\s*(\d+)/m.exec(readFileSync(`/proc/self/task/${t}/sched`, 'utf8'))?.[1] ?? NaN)
      return [{ tid: Number(t), name: readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(), nice: Number(fields[16]), slice }]
    } catch {
      return []
    }
  })
}

describe.skipIf(!existsSync('/proc/self/task'))('thread priority', () => {
  test('the enrichment worker runs below the main thread, which keeps its priority, as do the collector threads', async () => {
    const mainBefore = threads().find((t) => t.tid === process.pid)!.nice
    const earlier = new Set(threads().map((t) => t.tid))
    // What differs from the rule, by thread. A collector thread that a lowered thread starts (or
    // one an earlier test's worker left lowered) gets its priority back at the worker's next pass,
    // so the rule holds within a pass, not at every instant.
    const wrong = () => {
      const now = threads()
      return [
        ...(now.some((t) => t.name === 'Worker' && !earlier.has(t.tid) && t.nice === BACKGROUND_NICE) ? [] : ['no new Worker thread at nice ' + BACKGROUND_NICE]),
        ...now.filter((t) => t.tid === process.pid && t.nice !== mainBefore).map((t) => `main thread at ${t.nice}`),
        ...now.filter((t) => /^(HeapHelper|.*ollector Thread)$/.test(t.name) && t.nice !== mainBefore).map((t) => `${t.name} (${t.tid}) at ${t.nice}`),
      ].join('; ')
    }
    const w = await WorkerEnricher.open('salt-p', null)
    try {
      expect(await within(LOWER_EVERY_MS + 5000, '', async () => wrong())).toBe('')
    } finally {
      await w.close()
    }
  })

  // A thread's own slice came with Linux 6.12.
  const [major, minor] = release().split('.').map(Number)
  test.skipIf(major < 6 || (major === 6 && minor < 12))('the redirect thread takes a short slice, and a worker it starts gets the default back with its lower priority', async () => {
    const main = () => threads().find((t) => t.tid === process.pid)!
    const before = main()
    expect(await preferWakeups()).toBe(true)
    expect(main().slice).toBe(REDIRECT_SLICE_NS)
    expect(main().nice).toBe(before.nice)
    const earlier = new Set(threads().map((t) => t.tid))
    const ours = () => threads().find((t) => t.name === 'Worker' && !earlier.has(t.tid) && t.nice === BACKGROUND_NICE)
    const w = await WorkerEnricher.open('salt-s', null)
    try {
      expect(await within(LOWER_EVERY_MS, true, async () => ours() !== undefined)).toBe(true)
      const worker = ours()!
      expect(worker.slice).toBeGreaterThan(REDIRECT_SLICE_NS)
      expect(main().slice).toBe(REDIRECT_SLICE_NS)
    } finally {
      await w.close()
      await preferWakeups(0)
    }
  })
})
