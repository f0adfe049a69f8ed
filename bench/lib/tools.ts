// wrk from Debian's packages: nothing here downloads a prebuilt binary.

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
