// Work that can wait yields the CPU to the thread that serves redirects. On Linux each thread has
// its own nice value, and the threads it starts inherit it: the enrichment worker lowers, now and
// every few seconds, the priority of every thread of the process that is not the main thread or
// one the main thread waits for (the runtime's collector and its helpers). That covers the worker
// itself, the embedded ClickHouse's pools (inserts, merges) and the JIT. Elsewhere it does nothing.
import { readdirSync, readFileSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * Enough for a waking redirect thread to preempt them at once; with a core saturated by redirects
 * they still get about a quarter of it, so that clicks keep being enriched and stored.
 */
export const BACKGROUND_NICE = 5

/** Threads that keep their priority: the runtime's own, whose work the main thread waits for. */
const KEEP = /^(bun|bun\.exe|HeapHelper|.*ollector Thread|Fetch)$/

/** Forgotten past this many threads seen (a thread id is not reused while the thread lives). */
const SEEN_MAX = 10_000

export class BackgroundThreads {
  private readonly seen = new Set<number>()

  /** Lowers the threads not seen before. */
  lower() {
    let tids: string[]
    try {
      tids = readdirSync('/proc/self/task')
    } catch {
      return // (no /proc: not Linux)
    }
    if (this.seen.size > SEEN_MAX) this.seen.clear()
    for (const t of tids) {
      const tid = Number(t)
      if (tid === process.pid || this.seen.has(tid)) continue
      this.seen.add(tid)
      try {
        if (KEEP.test(readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim())) continue
        setPriority(tid, BACKGROUND_NICE)
      } catch {
        // (gone already, or not allowed: it keeps its priority)
      }
    }
  }
}
