// Child servers pinned to a core, and the process's own CPU and memory counters from /proc.
import type { Subprocess } from 'bun'
import { readdirSync, readFileSync } from 'node:fs'

const CLK_TCK = 100 // Linux reports utime/stime in USER_HZ, 100 on every mainstream kernel

/** Core 0 serves, core 1 generates load; without taskset (or with one core) nothing is pinned. */
export const pinned = (core: number, argv: string[]) =>
  Bun.which('taskset') && navigator.hardwareConcurrency > 1 ? ['taskset', '-c', String(core), ...argv] : argv

export type Child = { name: string; pid: number; url: string; proc: Subprocess; stop(): Promise<void> }

const running = new Set<Child>()

export async function startChild(name: string, argv: string[], env: Record<string, string>, url: string, logFile: string): Promise<Child> {
  const proc = Bun.spawn(pinned(0, argv), {
    env: { ...process.env, ...env } as Record<string, string>,
    stdout: Bun.file(logFile), stderr: Bun.file(`${logFile}.err`),
  })
  const child: Child = {
    name, pid: proc.pid, url, proc,
    async stop() {
      running.delete(child)
      if (proc.exitCode !== null) return
      proc.kill('SIGTERM')
      // A graceful stop flushes clicks and closes Postgres sessions (which flushes their stats).
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)])
      if (!exited) proc.kill('SIGKILL')
    },
  }
  running.add(child)
  await waitHealthy(child, `${url}/health`, logFile)
  return child
}

async function waitHealthy(child: Child, url: string, logFile: string) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}); see ${logFile}.err`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await Bun.sleep(100)
  }
  throw new Error(`${child.name} did not become healthy in 60 s; see ${logFile}`)
}

/** Kills whatever is still running: called from every exit path of the runner. */
export function killAll() {
  for (const c of running) if (c.proc.exitCode === null) c.proc.kill('SIGKILL')
  running.clear()
}

/** utime + stime of the whole process (all threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name may hold spaces; fields after it are fixed, utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** A live thread's name (the digits at its end dropped, so a pool's threads share one) and its utime + stime in seconds. */
export type ThreadCpu = { name: string; seconds: number }

/**
 * Each live thread of a process, by thread id. Threads that exited are not in it. A thread may
 * change its name (the click store's pool threads take the name of each job they run), so a
 * window's CPU is the difference per thread id, counted under the name the thread has at its end.
 */
export function threadCpuSeconds(pid: number): Map<number, ThreadCpu> {
  const threads = new Map<number, ThreadCpu>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[\d\s]+$/, '') || '?'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      threads.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK })
    } catch {
      // (exited since the listing)
    }
  }
  return threads
}

/** CPU seconds by thread name between two readings of threadCpuSeconds; threads that exited meanwhile are not in it. */
export function threadCpuBetween(before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): Map<string, number> {
  const byName = new Map<string, number>()
  for (const [tid, t] of after) byName.set(t.name, (byName.get(t.name) ?? 0) + t.seconds - (before.get(tid)?.seconds ?? 0))
  return byName
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1]
  return Number(kb ?? 0) * 1024
}

/** Busy CPU seconds of the whole machine (all cores, all processes), from /proc/stat. */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal: idle and iowait are the not-busy ones.
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0)
  return (total - cpu[3] - cpu[4]) / CLK_TCK
}

/**
 * Waits until a process is quiet: two consecutive windows of `windowMs` in which it used less
 * than `quietCores` of a core (its background work: timers, flushes, merges). Returns its CPU rate
 * (cores) in the last window, which is its idle rate when quiet, and whether it got quiet before `maxMs`.
 */
export async function settle(pid: number, opts: { windowMs?: number; quietCores?: number; maxMs?: number } = {}) {
  const { windowMs = 1000, quietCores = 0.03, maxMs = 30_000 } = opts
  const deadline = performance.now() + maxMs
  let quiet = 0
  let rate = 0
  while (quiet < 2 && performance.now() < deadline) {
    const c0 = cpuSeconds(pid)
    await Bun.sleep(windowMs)
    rate = (cpuSeconds(pid) - c0) / (windowMs / 1000)
    quiet = rate < quietCores ? quiet + 1 : 0
  }
  return { idleCores: rate, quiet: quiet >= 2 }
}
