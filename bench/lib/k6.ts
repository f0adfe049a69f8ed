// k6 on the load core, figures from --summary-export.
import { join } from 'node:path'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { pinned } from './proc'

export type K6Summary = {
  /** The exit code: 0 when every threshold held, 99 when one was broken. */
  code: number
  metric(name: string): Record<string, number> | undefined
}

const K6_DIR = join(import.meta.dir, '..', 'k6')

export async function runK6(k6: string, script: string, env: Record<string, string>, maxSeconds: number): Promise<K6Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'kurz-k6-'))
  const exportFile = join(dir, 'summary.json')
  const argv = [k6, 'run', '--quiet', '--no-color', '--summary-export', exportFile,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), join(K6_DIR, script)]
  const proc = Bun.spawn(pinned(1, argv), {
    stdout: 'pipe', stderr: 'pipe',
    // One core for k6, as for wrk: GOMAXPROCS matches the pinning.
    env: { ...process.env, GOMAXPROCS: '1', K6_NO_USAGE_REPORT: 'true' } as Record<string, string>,
  })
  const guard = setTimeout(() => proc.kill('SIGKILL'), maxSeconds * 1000)
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  clearTimeout(guard)
  const code = await proc.exited
  let metrics: Record<string, Record<string, number>> = {}
  try {
    metrics = JSON.parse(readFileSync(exportFile, 'utf8')).metrics ?? {}
  } catch {
    throw new Error(`k6 ${script} wrote no summary (exit ${code}):\n${out.slice(-3000)}\n${err.slice(-3000)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  if (code !== 0 && code !== 99) console.warn(`k6 ${script} exited ${code}:\n${err.slice(-2000)}`)
  return { code, metric: (name) => metrics[name] }
}
