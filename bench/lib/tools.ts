// wrk from Debian and k6 built from its Go module: nothing here downloads a prebuilt binary.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** Pinned so every run measures with the same load generator; bump deliberately. */
export const K6_VERSION = 'v1.8.1'
const BIN_DIR = join(import.meta.dir, '..', '.bin')

async function sh(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(argv, { env: { ...process.env, ...env } as Record<string, string>, stdout: 'pipe', stderr: 'pipe' })
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()])
  return { code: await p.exited, out: out + err }
}

export async function ensureWrk(): Promise<string> {
  const found = Bun.which('wrk')
  if (found) return found
  console.log('wrk missing: installing the Debian package')
  let r = await sh(['apt-get', 'install', '-y', 'wrk'], { DEBIAN_FRONTEND: 'noninteractive' })
  if (r.code !== 0) {
    await sh(['apt-get', 'update'])
    r = await sh(['apt-get', 'install', '-y', 'wrk'], { DEBIAN_FRONTEND: 'noninteractive' })
  }
  const path = Bun.which('wrk')
  if (!path) throw new Error(`could not install wrk:\n${r.out.slice(-2000)}`)
  return path
}

/**
 * k6 from PATH, from bench/.bin, or built there with `go install` (minutes on two cores, so the
 * runner starts this first and awaits it only when a k6 phase begins). Resolves null when it cannot.
 */
export function ensureK6(): Promise<string | null> {
  const local = join(BIN_DIR, 'k6')
  const onPath = Bun.which('k6')
  if (onPath) return Promise.resolve(onPath)
  if (existsSync(local)) return Promise.resolve(local)
  if (!Bun.which('go')) {
    console.warn('k6 missing and no Go toolchain to build it: k6 phases are skipped')
    return Promise.resolve(null)
  }
  console.log(`k6 missing: building go.k6.io/k6@${K6_VERSION} into bench/.bin in the background`)
  const started = Date.now()
  return sh(['go', 'install', `go.k6.io/k6@${K6_VERSION}`], { GOBIN: BIN_DIR }).then((r) => {
    if (r.code === 0 && existsSync(local)) {
      console.log(`k6 built in ${Math.round((Date.now() - started) / 1000)} s`)
      return local
    }
    console.warn(`k6 build failed; k6 phases are skipped:\n${r.out.slice(-2000)}`)
    return null
  })
}
