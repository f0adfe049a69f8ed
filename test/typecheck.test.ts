// The compiler's verdict is part of the suite: the server, its tests and benches, and the dashboard
// (which type-checks the server's modules again with the browser's lib, through the API client's types).
import { expect, test } from 'bun:test'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')
const TSC = join(ROOT, 'node_modules/.bin/tsc')

for (const [what, project] of [['the server, tests and benches', 'tsconfig.json'], ['the dashboard', 'web/tsconfig.json']] as const) {
  test(`${what} type-check without an error (tsc -p ${project})`, () => {
    const run = Bun.spawnSync([TSC, '--noEmit', '-p', project], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    const errors = (run.stdout.toString() + run.stderr.toString()).trim()
    expect(errors).toBe('')
    expect(run.exitCode).toBe(0)
  }, 120_000)
}
