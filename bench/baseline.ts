// The bare baseline: Bun.serve answering the same 302s as Kurz from a Map of the same slugs,
// so that the ratio shows what Kurz's own work costs on top of Bun's HTTP stack.
import { slugOf, targetOf } from './lib/dataset'

const count = Number(process.env.BENCH_LINKS ?? 100_000)
const targets = new Map<string, string>()
for (let i = 1; i <= count; i++) targets.set(slugOf(i), targetOf(i))

const notFound = () => new Response('{"success":false}', { status: 404, headers: { 'content-type': 'application/json' } })

const server = Bun.serve({
  port: Number(process.env.PORT ?? 0),
  hostname: '127.0.0.1',
  routes: {
    '/health': new Response('ok'),
    '/:slug': (req) => {
      const target = targets.get(req.params.slug)
      return target === undefined ? notFound() : new Response(null, { status: 302, headers: { location: target } })
    },
  },
  fetch: notFound,
})
console.log(`baseline listening on ${server.port} with ${targets.size} slugs`)
process.on('SIGTERM', () => { server.stop(true); process.exit(0) })
