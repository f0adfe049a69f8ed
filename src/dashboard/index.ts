// The dashboard: the cookie session routes, the single-page app under /app (every client-side
// route answers the same index.html) and its content-hashed files under /assets.
import { Elysia, t } from 'elysia'
import type { Deps } from '../deps'
import type { AuthPlugin } from '../auth/plugin'
import { authErrors, errorsOf } from '../shared/error-schemas'
import { callerOperation, publicOperation } from '../docs/security'
import { mediaAnswer, redirectAnswer } from '../docs/document'
import { ok } from '../shared/envelope'
import { loginBody } from '../accounts/model'
import { sessionResponses, signIn, signOut } from './session'
import { dashboardBundle } from './build'
import { assetHeaders, pageHeaders, SECURITY_HEADERS } from './headers'
import { errorBody } from '../errors'

export function dashboardPlugin(deps: Deps, auth: AuthPlugin) {
  // Started now (at start-up), awaited by the first page or asset asked for.
  dashboardBundle().catch((error) => deps.log.error('dashboard build failed', { error: String(error) }))
  return new Elysia({ name: 'kurz.dashboard' })
    .use(auth)
    .post('/api/auth/session', ({ body, request, server, set }) => signIn(deps, body, { request, server, set }), {
      body: loginBody,
      response: { 200: sessionResponses.user, ...errorsOf(400, 401, 403, 429, 503) },
      detail: { tags: ['Accounts'], ...publicOperation('Sign in the dashboard',
        'Checks `email`, `password` and `code` (when the account has 2FA) exactly as POST /api/auth/login does, with its limits, and '
        + 'answers the user with the session in an httpOnly, SameSite=Strict cookie; the token is never in the body. Refused (403) '
        + 'unless the request comes from this service\'s own origin. Public. Errors: 400 VALIDATION_ERROR; 401 UNAUTHORIZED, '
        + 'NEEDS_2FA, INVALID_2FA_CODE; 403 FORBIDDEN (another origin) or ACCOUNT_BLOCKED; 429 RATE_LIMIT_EXCEEDED.') },
    })
    .delete('/api/auth/session', ({ caller, set }) => signOut(deps, caller, set), {
      auth: true,
      response: { 200: sessionResponses.signedOut, ...authErrors, ...errorsOf(400, 503) },
      detail: { tags: ['Accounts'], ...callerOperation('Sign out',
        'Ends the session server-side: every session and JWT of the account issued before now stops working (API keys do not), and '
        + 'the cookie is cleared.') },
    })
    .get('/', ({ request }) => home(deps, request), {
      response: { 200: homeAnswer, 302: redirectAnswer('A browser (Accept: text/html) is sent to the dashboard, /app'), ...errorsOf(400) },
      detail: { tags: ['Dashboard'], ...publicOperation('Where things are', 'A browser is sent to the dashboard; other clients get where the dashboard, the API reference and the OpenAPI document are. Public.') },
    })
    .get('/app', () => page(), appPage)
    .get('/app/*', () => page(), appPage)
    .get('/assets/:name', ({ params }) => asset(params.name), {
      params: t.Object({ name: t.String() }),
      response: {
        200: mediaAnswer('A file of the dashboard, content-hashed and cached as immutable', { 'text/javascript': 'text', 'text/css': 'text', 'application/octet-stream': 'binary' }),
        ...errorsOf(400, 404),
      },
      detail: { tags: ['Dashboard'], ...publicOperation('A dashboard file', 'The dashboard\'s scripts, styles and images by their content-hashed names. Public. Errors: 404 NOT_FOUND.') },
    })
}

const homeAnswer = ok(t.Object({ name: t.String(), dashboard: t.String(), docs: t.String(), openapi: t.String() }))
const appPage = {
  response: { 200: mediaAnswer('The dashboard\'s page; the app routes itself in the browser', { 'text/html': 'text' }), ...errorsOf(400) },
  detail: { tags: ['Dashboard'], ...publicOperation('The dashboard', 'The single-page app: every path under /app answers the same page, with a strict Content-Security-Policy. Public (it asks to sign in).') },
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
