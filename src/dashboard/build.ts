// Builds the dashboard (web/) with Bun's bundler, once per process, into memory: content-hashed
// file names under /assets/ and an index.html that names them. Nothing is written to disk, so a
// read-only image works and a stale build can never be served. The first caller starts the build
// (createApp does, at start-up); every later caller awaits the same promise.
import { join } from 'node:path'
import tailwind from 'bun-plugin-tailwind'

export type Asset = { body: ArrayBuffer; type: string }
export type Bundle = { index: string; assets: Map<string, Asset>; initialJsGzipBytes: number }

const WEB = join(import.meta.dir, '../../web')
let building: Promise<Bundle> | null = null

export const dashboardBundle = (): Promise<Bundle> => (building ??= build())

async function build(): Promise<Bundle> {
  const result = await Bun.build({
    entrypoints: [join(WEB, 'main.tsx')],
    target: 'browser',
    minify: true,
    splitting: false,
    sourcemap: 'none',
    publicPath: '/assets/',
    naming: { entry: '[name]-[hash].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [tailwind],
  })
  if (!result.success) throw new Error(`dashboard build failed: ${result.logs.map(String).join('\n')}`)
  const assets = new Map<string, Asset>()
  let script = '', style = '', initialJsGzipBytes = 0
  for (const out of result.outputs) {
    const name = out.path.replace(/^.*[\\/]/, '')
    const body = await out.arrayBuffer()
    assets.set(name, { body, type: out.type })
    if (out.kind === 'entry-point' && name.endsWith('.js')) {
      script = name
      initialJsGzipBytes = Bun.gzipSync(body).byteLength
    } else if (name.endsWith('.css')) style = name
  }
  return { index: indexHtml(script, style), assets, initialJsGzipBytes }
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
