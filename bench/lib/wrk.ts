// wrk on the load core: keep-alive connections, one thread, results from report.lua's done().
import { join } from 'node:path'
import { pinned } from './proc'

export type WrkResult = {
  rps: number
  requests: number
  /** Socket errors plus answers >= 400 (wrk cannot tell 2xx from 3xx without slowing itself down). */
  errors: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  /** CPU seconds wrk itself used. */
  loadCpu: number
}

const WRK_DIR = join(import.meta.dir, '..', 'wrk')

export async function runWrk(opts: {
  url: string; script: string; seconds: number; connections?: number; env?: Record<string, string>
}): Promise<WrkResult> {
  const argv = ['wrk', '-t1', `-c${opts.connections ?? 64}`, `-d${opts.seconds}s`, '--timeout', '5s', '-s', opts.script, opts.url]
  const proc = Bun.spawn(pinned(1, argv), {
    cwd: WRK_DIR, stdout: 'pipe', stderr: 'pipe',
    env: { ...process.env, ...opts.env } as Record<string, string>,
  })
  // wrk stops itself; this is the belt to its braces.
  const guard = setTimeout(() => proc.kill('SIGKILL'), (opts.seconds + 20) * 1000)
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  clearTimeout(guard)
  await proc.exited
  const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '))
  if (!line) throw new Error(`wrk gave no result (exit ${proc.exitCode}):\n${out}\n${err}`)
  const r = JSON.parse(line.slice('BENCH_JSON '.length))
  return {
    rps: r.requests / (r.duration_us / 1e6),
    requests: r.requests,
    errors: r.connect + r.read + r.write + r.status + r.timeout,
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    meanMs: r.mean_us / 1000,
    loadCpu: Number(proc.resourceUsage()?.cpuTime.total ?? 0) / 1e6,
  }
}
