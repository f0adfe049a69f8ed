// The dashboard: the cookie session routes, the single-page app under /app (every client-side
// route answers the same index.html) and its content-hashed files under /assets.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../app'
import { errorSchemas } from '../shared/error-schemas'
import { loginBody } from '../accounts/model'
import { sessionResponses, signIn, signOut } from './session'
import { dashboardBundle } from './build'
import { assetHeaders, pageHeaders, SECURITY_HEADERS } from './headers'
import { errorBody } from '../errors'

type Server = Parameters<typeof signIn>[2]['server']

export function dashboardPlugin(deps: Deps, auth: AuthPlugin) {
  // Started now (at start-up), awaited by the first page or asset asked for.
  dashboardBundle().catch((error) => deps.log.error('dashboard build failed', { error: String(error) }))
  return new Elysia({ name: 'kurz.dashboard' })
    .use(auth)
    .post('/api/auth/session', ({ body, request, server, set }) => signIn(deps, body, { request, server: server as Server, set }),
      { body: loginBody, response: { 200: sessionResponses.user, ...errorSchemas }, detail: { tags: ['Accounts'], summary: 'Sign in the dashboard (session cookie)' } })
    .delete('/api/auth/session', ({ caller, set }) => signOut(deps, caller, set),
      { auth: true, response: { 200: sessionResponses.signedOut, ...errorSchemas }, detail: { tags: ['Accounts'], summary: 'Sign out: ends the session server-side' } })
    .get('/', ({ request }) => home(deps, request), { detail: { hide: true } })
    .get('/app', () => page(), { detail: { hide: true } })
    .get('/app/*', () => page(), { detail: { hide: true } })
    .get('/assets/:name', ({ params }) => asset(params.name), { detail: { hide: true } })
}

/** A browser is sent to the dashboard (which asks it to sign in); other clients learn where things are. */
const home = (deps: Deps, request: Request) => (request.headers.get('accept') ?? '').includes('text/html')
  ? new Response(null, { status: 302, headers: { location: '/app', 'cache-control': 'no-cache' } })
  : { success: true as const, data: { name: 'Kurz', dashboard: `${deps.config.baseUrl}/app`, docs: `${deps.config.baseUrl}/docs`, openapi: `${deps.config.baseUrl}/openapi.json` } }

const page = () => dashboardBundle().then((b) => new Response(b.index, { headers: pageHeaders }))

async function asset(name: string): Promise<Response> {
  const file = (await dashboardBundle()).assets.get(name)
  if (!file) return new Response(JSON.stringify(errorBody('NOT_FOUND', `No asset ${name}`)), { status: 404, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' } })
  return new Response(file.body, { headers: assetHeaders(file.type) })
}
