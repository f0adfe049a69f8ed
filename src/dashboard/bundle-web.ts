// `bun src/dashboard/bundle-web.ts <outdir>`: bundles web/ into outdir and writes outdir/manifest.json
// (each output's file name, kind and content type). It runs as a process of its own, started by
// build.ts: the bundler and its Tailwind plugin then never load into the server, whose allocations
// on the redirect path they slowed by a quarter (404s and Redis look-ups, measured with wrk).
import { join } from 'node:path'
import tailwind from 'bun-plugin-tailwind'

const WEB = join(import.meta.dir, '../../web')
const outdir = process.argv[2]
if (!outdir) throw new Error('usage: bun src/dashboard/bundle-web.ts <outdir>')

const result = await Bun.build({
  entrypoints: [join(WEB, 'main.tsx')],
  outdir,
  target: 'browser',
  minify: true,
  // The world map's geometry is a chunk of its own, loaded by import() when a map is first shown.
  splitting: true,
  sourcemap: 'none',
  publicPath: '/assets/',
  naming: { entry: '[name]-[hash].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [tailwind],
})
if (!result.success) {
  console.error(result.logs.map(String).join('\n'))
  process.exit(1)
}
const manifest = result.outputs.map((out) => ({ name: out.path.replace(/^.*[\\/]/, ''), kind: out.kind, type: out.type }))
await Bun.write(join(outdir, 'manifest.json'), JSON.stringify(manifest))
