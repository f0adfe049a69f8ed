// One Bun server, one port: the redirect plane on Bun's native router, everything else through Elysia.
import type { Server } from 'bun'
import type { Deps } from './deps'
import { createApp } from './app'
import { errorResponse } from './errors'
import { createRedirectHandler } from './redirect/index'
import { createUnlockHandler } from './redirect/unlock'
import { RESERVED_SLUGS } from './links/slug'

export type Running = { server: Server<unknown>; url: string; stop(): Promise<void> }

export async function startServer(deps: Deps, opts: { port?: number; hostname?: string } = {}): Promise<Running> {
  const app = createApp(deps)
  const namespaces = deps.domains
  await namespaces.reload()
  const redirect = createRedirectHandler(deps, namespaces)
  const unlock = createUnlockHandler(deps, namespaces)
  const viaApp = (req: Request) => app.handle(req)
  // Static routes win over '/:slug' in Bun's router, so reserved single-segment paths reach Elysia.
  const reserved = Object.fromEntries([...RESERVED_SLUGS].map((s) => [`/${s}`, viaApp]))
  const server = Bun.serve({
    port: opts.port ?? deps.config.port,
    hostname: opts.hostname ?? deps.config.host,
    routes: {
      ...reserved,
      '/': viaApp,
      // The dashboard (its pages and content-hashed files): Elysia, never the redirect handler.
      '/app/*': viaApp,
      '/assets/*': viaApp,
      '/:slug': { GET: redirect, HEAD: redirect, OPTIONS: viaApp, POST: unlock, PUT: viaApp, PATCH: viaApp, DELETE: viaApp },
    },
    fetch: viaApp,
    error: (error) => {
      deps.log.error('server error', { error: String(error) })
      return errorResponse(500, 'INTERNAL', 'Internal error')
    },
  })
  // app.handle() alone leaves Elysia without a server: handlers' `server` (client IPs) comes from here.
  app.server = server
  return {
    server,
    url: `http://${server.hostname === '0.0.0.0' ? '127.0.0.1' : server.hostname}:${server.port}`,
    async stop() {
      await server.stop()
    },
  }
}
