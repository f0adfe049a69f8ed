// The server's side as a whole: Kurz plus the PostgreSQL cluster and Redis it talks to. Their
// CPU is read from /proc like Kurz's; pinning them to the server's core, as the peers' stacks
// were measured, is done with taskset on the running processes and undone on every exit path.
import { readdirSync, readFileSync } from 'node:fs'
import { cpuSeconds } from './proc'

const CLK_TCK = 100

type Proc = { pid: number; comm: string; ppid: number }

function processes(): Proc[] {
  const out: Proc[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      out.push({ pid: Number(name), comm, ppid })
    } catch {} // gone meanwhile
  }
  return out
}

/** The PostgreSQL postmasters (a `postgres` whose parent is not one) and every redis-server. */
export function stackPids(): { postmasters: number[]; postgres: number[]; redis: number[] } {
  const all = processes()
  const pg = all.filter((p) => p.comm === 'postgres')
  const pgPids = new Set(pg.map((p) => p.pid))
  return {
    postmasters: pg.filter((p) => !pgPids.has(p.ppid)).map((p) => p.pid),
    postgres: pg.map((p) => p.pid),
    redis: all.filter((p) => p.comm === 'redis-server').map((p) => p.pid),
  }
}

/** utime+stime, plus cutime+cstime when `reaped`: a postmaster holds the CPU of the backends it reaped. */
function cpuOf(pid: number, reaped: boolean): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) / CLK_TCK
  } catch {
    return 0
  }
}

export type StackCpu = { kurz: number; postgres: number; redis: number; total: number }

/**
 * CPU seconds so far of Kurz, of every PostgreSQL process (live backends, plus what the postmaster
 * reaped from exited ones) and of Redis. A difference of two readings is what the stack spent.
 */
export function stackCpuSeconds(kurzPid: number): StackCpu {
  const s = stackPids()
  const masters = new Set(s.postmasters)
  const postgres = s.postgres.reduce((a, pid) => a + cpuOf(pid, masters.has(pid)), 0)
  const redis = s.redis.reduce((a, pid) => a + cpuOf(pid, false), 0)
  const kurz = cpuSeconds(kurzPid)
  return { kurz, postgres, redis, total: kurz + postgres + redis }
}

export const minus = (a: StackCpu, b: StackCpu): StackCpu =>
  ({ kurz: a.kurz - b.kurz, postgres: a.postgres - b.postgres, redis: a.redis - b.redis, total: a.total - b.total })

/**
 * Pins PostgreSQL (the postmaster, so that new backends inherit it, and every live process) and
 * Redis to `core`; returns the function that puts every one of them back on all cores.
 */
export function pinStack(core: number): () => void {
  const taskset = Bun.which('taskset')
  if (!taskset || navigator.hardwareConcurrency < 2) return () => {}
  const set = (cores: string) => {
    const s = stackPids()
    for (const pid of [...s.postgres, ...s.redis]) Bun.spawnSync([taskset, '-a', '-p', '-c', cores, String(pid)], { stdout: 'ignore', stderr: 'ignore' })
  }
  set(String(core))
  let undone = false
  return () => {
    if (undone) return
    undone = true
    set(`0-${navigator.hardwareConcurrency - 1}`)
  }
}
