// The API's own description: the OpenAPI document at /openapi.json and its reference page at /docs.
import { Elysia } from 'elysia'
import { openapi } from '@elysiajs/openapi'
import { extraPaths, finishDocument, type DocumentedRoute } from './document'
import { securitySchemes } from './security'

const SPEC_PATH = '/openapi.json'
const SCALAR_BUNDLE = Bun.file(Bun.resolveSync('@scalar/api-reference/browser/standalone.js', import.meta.dir))

export function docsPlugin(routes: () => readonly DocumentedRoute[] = () => []) {
  // Elysia caches its generated document until the route table changes; so does this finished copy.
  // (kept as text, a fresh object each answer: the object answered once does not stay as it was)
  const finished = new WeakMap<object, string>()
  const finish = (doc: object) => JSON.parse(finished.get(doc) ?? finished.set(doc, JSON.stringify(finishDocument(doc, routes()))).get(doc)!) as object
  return new Elysia({ name: 'kurz.docs' })
    .onAfterHandle(({ path, response }) => {
      if (path === SPEC_PATH && typeof response === 'object' && response !== null && !(response instanceof Response)) return finish(response)
    })
    .use(openapi({
      path: '/docs',
      specPath: SPEC_PATH,
      documentation: {
        info: { title: 'Kurz API', version: '1.0.0', description: 'Links, accounts, keys, domains, webhooks, plans and analytics.' },
        // (cast: the plugin's types want OpenAPI's own literal unions; these objects are that shape)
        components: { securitySchemes } as never,
        paths: extraPaths as never,
      },
      // The reference page loads its bundle from us, not a CDN: it works offline. It offers every
      // security scheme of the document; an API key as a bearer token is the one it starts with.
      // (cast: the plugin's type wants every Scalar option, the runtime fills the defaults)
      scalar: { cdn: '/docs/scalar.js', authentication: { preferredSecurityScheme: 'apiKeyBearer' } } as never,
      exclude: { paths: ['/docs/scalar.js'] },
    }))
    .get('/docs/scalar.js', () => new Response(SCALAR_BUNDLE, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' } }))
}
