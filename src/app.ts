// createApp(deps): the error handler, CORS and OpenAPI first, then the feature plugins.
import { Elysia } from 'elysia'
import { cors } from '@elysiajs/cors'
import type { Deps } from './deps'
import { AppError, handleError } from './errors'
import { authPlugin } from './auth/plugin'
import { linksPlugin } from './links/index'
import { analyticsPlugin } from './analytics/index'
import { opsPlugin } from './ops/index'
import { accountsPlugin } from './accounts/index'
import { keysPlugin } from './keys/index'
import { adminPlugin } from './admin/index'
import { plansPlugin } from './plans/index'
import { domainsPlugin } from './domains/index'
import { webhooksPlugin } from './webhooks/index'
import { nulField } from './shared/nul'
import { isNonObjectBody } from './shared/json-body'
import { qrPlugin } from './qr/index'
import { historyPlugin } from './history/index'
import { typedPagePlugin } from './typed/index'
import { cronPlugin } from './jobs/index'
import { allowedMethods } from './shared/allowed-methods'
import { bodyGuard } from './shared/body-guard'
import { IMPORT_ROUTE, importsPlugin } from './imports'
import { previousProviderPlugin } from './previous'
import { docsPlugin } from './docs/index'
import { dashboardPlugin } from './dashboard/index'
import { tagsPlugin } from './tags/index'
import { utmPlugin } from './utm/index'
import { abPlugin } from './ab/index'


/** The routes whose body is a file (CSV or JSON text, read up to the bulk bound), not a JSON object. */
const FILE_ROUTES = [IMPORT_ROUTE]

export function createApp(deps: Deps) {
  const auth = authPlugin(deps)
  // The methods each path answers, read from the finished app on the first unrouted request.
  let allowOf: ((pathname: string) => string[] | null) | null = null
  let routesOf = (): readonly { method: string; path: string; hooks?: { body?: unknown } }[] => []
  const app = new Elysia({ name: 'kurz' })
    .onError({ as: 'global' }, (failed) => handleError(deps.log, (path) => (allowOf ??= allowedMethods(routesOf()))(path), failed))
    .onTransform({ as: 'global' }, ({ params, query, body, request, route }) => {
      // (A file route's body is the file's text, by design.)
      if (isNonObjectBody(body, request.headers.get('content-type')) && !FILE_ROUTES.includes(`${request.method} ${route}`))
        throw new AppError('VALIDATION_ERROR', 'The request body must be a JSON object', { field: 'body' })
      const field = nulField(params, '') ?? nulField(query, '') ?? nulField(body, '')
      if (field !== null) throw new AppError('VALIDATION_ERROR', `${field || 'body'} must not contain NUL characters`, { field: field || 'body' })
    })
    .use(cors({
      // The headers a preflight asks for are allowed by name: browsers never let `*` cover
      // Authorization. No credentials: the API takes keys and tokens, not cookies.
      origin: '*', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'], allowedHeaders: true,
      credentials: false, maxAge: 600,
      // So that browser code can read the rate-limit headers that every /api/v1 answer carries.
      exposeHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'],
    }))
    .use(bodyGuard(deps.config.requests, () => routesOf(), ['POST /api/v1/links/bulk', ...FILE_ROUTES], FILE_ROUTES))
    .use(docsPlugin(() => routesOf()))
    .use(opsPlugin(deps))
    .use(linksPlugin(deps, auth))
    .use(analyticsPlugin(deps, auth))
    .use(accountsPlugin(deps, auth))
    .use(keysPlugin(deps, auth))
    .use(adminPlugin(deps, auth))
    .use(plansPlugin(deps, auth))
    .use(domainsPlugin(deps, auth))
    .use(webhooksPlugin(deps, auth))
    .use(qrPlugin(deps, auth))
    .use(historyPlugin(deps, auth))
    .use(typedPagePlugin(deps))
    .use(importsPlugin(deps, auth))
    .use(previousProviderPlugin(deps, auth))
    .use(cronPlugin(deps))
    .use(dashboardPlugin(deps, auth))
    .use(tagsPlugin(deps, auth))
    .use(utmPlugin(deps, auth))
    .use(abPlugin(deps, auth))
  routesOf = () => app.routes
  return app
}

export type App = ReturnType<typeof createApp>
