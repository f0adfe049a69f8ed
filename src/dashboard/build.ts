// Builds the dashboard (web/) with Bun's bundler, once per process, into memory: content-hashed
// file names under /assets/ and an index.html that names them. The files pass through a temporary
// directory only, so a stale build can never be served. The first caller starts the build
// (createApp does, at start-up); every later caller awaits the same promise.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Asset = { body: ArrayBuffer; type: string }
export type Bundle = { index: string; assets: Map<string, Asset>; initialJsGzipBytes: number }
type Output = { name: string; kind: string; type: string }

let building: Promise<Bundle> | null = null

export const dashboardBundle = (): Promise<Bundle> => (building ??= build())

/** Bundles in a process of its own (bundle-web.ts), then keeps its files in memory and drops the directory. */
async function build(): Promise<Bundle> {
  const outdir = mkdtempSync(join(tmpdir(), 'kurz-dashboard-'))
  try {
    const bundler = Bun.spawn([process.execPath, join(import.meta.dir, 'bundle-web.ts'), outdir], { stdout: 'ignore', stderr: 'pipe' })
    if (await bundler.exited !== 0) throw new Error(`dashboard build failed: ${await new Response(bundler.stderr).text()}`)
    const outputs = JSON.parse(await Bun.file(join(outdir, 'manifest.json')).text()) as Output[]
    const assets = new Map<string, Asset>()
    let script = '', style = '', initialJsGzipBytes = 0
    for (const out of outputs) {
      const body = await Bun.file(join(outdir, out.name)).arrayBuffer()
      assets.set(out.name, { body, type: out.type })
      if (out.kind === 'entry-point' && out.name.endsWith('.js')) {
        script = out.name
        initialJsGzipBytes = Bun.gzipSync(body).byteLength
      } else if (out.name.endsWith('.css')) style = out.name
    }
    return { index: indexHtml(script, style), assets, initialJsGzipBytes }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Kurz</title>
<link rel="icon" href="data:,">
${style ? `<link rel="stylesheet" href="/assets/${style}">` : ''}
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="root"></div>
</body>
</html>
`
}
