// bench/load/run.ts on the load core, figures from its one LOAD_JSON line.
import { join } from 'node:path'
import { pinned } from './proc'
import type { PartSummary } from '../load/engine'

export type LoadSummary = {
  /** 0 when every limit held, 99 when one broke. */
  code: number
  parts: Record<string, PartSummary>
  broken: string[]
  /** CPU seconds the load generator itself used. */
  cpuSeconds: number
}

const RUN = join(import.meta.dir, '..', 'load', 'run.ts')

/** `niceness` > 0: this run yields the load core to another run beside it (one that measures latency). */
export async function runLoad(scenario: 'redirects' | 'api' | 'mixed', args: Record<string, string | number>, maxSeconds: number, niceness = 0): Promise<LoadSummary> {
  const argv = [process.execPath, RUN, scenario, '--json', ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])]
  const proc = Bun.spawn(pinned(1, niceness > 0 ? ['nice', '-n', String(niceness), ...argv] : argv), { stdout: 'pipe', stderr: 'pipe' })
  const guard = setTimeout(() => proc.kill('SIGKILL'), maxSeconds * 1000)
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  clearTimeout(guard)
  const code = await proc.exited
  const line = out.split('\n').find((l) => l.startsWith('LOAD_JSON '))
  if (!line) throw new Error(`load ${scenario} gave no result (exit ${code}):\n${out.slice(-3000)}\n${err.slice(-3000)}`)
  return { code, ...JSON.parse(line.slice('LOAD_JSON '.length)) }
}
