// Work that can wait yields the CPU to the thread that serves redirects. On Linux each thread has
// its own nice value, and the threads it starts inherit it: the enrichment worker lowers, now and
// every few seconds, the priority of every thread of the process that is not the main thread or
// one the main thread waits for (the runtime's collector and its helpers). That covers the worker
// itself, the embedded ClickHouse's pools (inserts, merges) and the JIT. The redirect thread
// also asks for a short time slice, so that it preempts them soon after it wakes. Elsewhere none of
// this does anything.
import { readdirSync, readFileSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/**
 * Enough for a waking redirect thread to preempt them at once; with a core saturated by redirects
 * they still get about a quarter of it, so that clicks keep being enriched and stored.
 */
export const BACKGROUND_NICE = 5

/** Threads that keep their priority: the runtime's own, whose work the main thread waits for. */
const KEEP = /^(bun|bun\.exe|HeapHelper|.*ollector Thread|Fetch)$/

/** How often the worker lowers the threads started since its last pass. */
export const LOWER_EVERY_MS = 5000

/** Forgotten past this many threads seen (a thread id is not reused while the thread lives). */
const SEEN_MAX = 10_000

/** The default slice (0 asks for it), which background threads keep or get back. */
const DEFAULT_SLICE = 0

/** Shortest slice the kernel accepts (100 µs): what the redirect thread asks for. */
export const REDIRECT_SLICE_NS = 100_000

export class BackgroundThreads {
  private readonly seen = new Set<number>()

  private constructor(private readonly schedule: Schedule | null) {}

  static async open(): Promise<BackgroundThreads> {
    return new BackgroundThreads(await scheduler())
  }

  /**
   * Lowers the threads not seen before. A thread takes its priority and slice from the thread that
   * started it: one the redirect thread started gets the default slice back, and a collector thread
   * a lowered thread started gets the main thread's priority back.
   */
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
        // A collector thread started by a lowered thread inherited its priority: it gets the main
        // thread's back (where raising a priority is allowed: root, or a permissive RLIMIT_NICE).
        const nice = KEEP.test(readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim()) ? getPriority(process.pid) : BACKGROUND_NICE
        if (getPriority(tid) === nice) continue
        if (!this.schedule?.(tid, nice, DEFAULT_SLICE)) setPriority(tid, nice)
      } catch {
        // (gone already, or not allowed: it keeps its priority)
      }
    }
  }
}

/**
 * The calling thread (the one that serves redirects) asks for a short time slice. Since Linux
 * 6.12 a thread may choose its slice; a shorter one gives it an earlier deadline, so when it wakes
 * it preempts a background thread within its own slice rather than waiting out the other's (the
 * default: 1.4 ms on two cores). Its share of the core is unchanged. Answers whether the call was
 * taken (a kernel before 6.12 takes it and ignores the slice); elsewhere nothing changes.
 */
export async function preferWakeups(sliceNs = REDIRECT_SLICE_NS): Promise<boolean> {
  return (await scheduler())?.(0, currentNice(), sliceNs) ?? false
}

/** Sets a thread's (0: the calling thread's) nice value and slice at once; false when refused. */
type Schedule = (tid: number, nice: number, sliceNs: number) => boolean

/** sched_setattr's number in the kernel's system call table, by CPU (glibc 2.36 has no wrapper). */
const SCHED_SETATTR: Partial<Record<string, number>> = { x64: 314, arm64: 274 }

let opened: Promise<Schedule | null> | undefined
const scheduler = () => (opened ??= openScheduler())

async function openScheduler(): Promise<Schedule | null> {
  const call = SCHED_SETATTR[process.arch]
  if (process.platform !== 'linux' || call === undefined) return null
  try {
    const { dlopen, FFIType, ptr } = await import('bun:ffi')
    const { symbols } = dlopen('libc.so.6', { syscall: { args: [FFIType.i64, FFIType.i64, FFIType.ptr, FFIType.i64], returns: FFIType.i64 } })
    return (tid, nice, sliceNs) => {
      // struct sched_attr, its first version (56 bytes): size, policy SCHED_OTHER (0), no flags,
      // the nice value, no real-time priority, then sched_runtime, the slice for SCHED_OTHER.
      const attr = new DataView(new ArrayBuffer(56))
      attr.setUint32(0, 56, true)
      attr.setInt32(16, nice, true)
      attr.setBigUint64(24, BigInt(sliceNs), true)
      return Number(symbols.syscall(call, tid, ptr(attr.buffer), 0)) === 0
    }
  } catch {
    return null // (no libc.so.6, e.g. on musl, or no FFI)
  }
}

/** The calling thread's nice value, which its new slice keeps. */
function currentNice(): number {
  try {
    const prio = /^prio\s*:\s*(\d+)/m.exec(readFileSync('/proc/thread-self/sched', 'utf8'))
    return prio ? Number(prio[1]) - 120 : 0
  } catch {
    return 0
  }
}
