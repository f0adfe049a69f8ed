// What a bench script that starts a Kurz of its own shares: a results folder for its logs, the
// fleet on its port (BENCH_PORT overrides it), and the clean-up that stops every child, also on
// Ctrl-C. Import it after setting BENCH_DB: the bench libraries read it when they load.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { KurzFleet } from './kurz'
import { killAll } from './proc'

export function scriptFleet(name: string, port: number) {
  const logDir = join(import.meta.dir, '..', 'results', `${name}-${Date.now()}`)
  mkdirSync(logDir, { recursive: true })
  const fleet = new KurzFleet(Number(process.env.BENCH_PORT ?? port), logDir)
  const cleanup = () => {
    killAll()
    fleet.cleanup()
  }
  process.on('SIGINT', () => { cleanup(); process.exit(130) })
  return { fleet, cleanup }
}

/** The script's arguments that are not `--flags`. */
export const positionalArgs = () => process.argv.slice(2).filter((a) => !a.startsWith('--'))
