import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'

const DOC = join(import.meta.dir, '../docs/api.md')
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** The routes docs/api.md describes: every "`METHOD /path`" in a heading line. */
function documentedRoutes(markdown: string): string[] {
  const routes = markdown.split('\n').filter((line) => line.startsWith('#'))
    .flatMap((line) => [...line.matchAll(/`([A-Z]+) (\/[^`\s]*)`/g)].map((m) => `${m[1]} ${m[2]}`))
  return [...new Set(routes)].sort()
}

/** The routes of the OpenAPI document, as "METHOD /path". */
function servedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => m.toUpperCase()).filter((m) => METHODS.includes(m)).map((m) => `${m} ${path}`))
    .sort()
}

describe('docs/api.md', () => {
  let h: Harness
  let served: string[]
  let documented: string[]
  beforeAll(async () => {
    h = await createHarness()
    served = servedRoutes((await h.api('GET', '/openapi.json', { key: null })).body)
    documented = documentedRoutes(readFileSync(DOC, 'utf8'))
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('every route of /openapi.json has its heading in docs/api.md', () => {
    const missing = served.filter((r) => !documented.includes(r))
    // Add a heading "### `METHOD /path`" with the route's auth, what it does and its main errors.
    expect({ routesMissingFromDocsApiMd: missing }).toEqual({ routesMissingFromDocsApiMd: [] })
  })

  test('every route docs/api.md describes is served and in /openapi.json', () => {
    const unknown = documented.filter((r) => !served.includes(r))
    expect({ routesInDocsApiMdNotInOpenApi: unknown }).toEqual({ routesInDocsApiMdNotInOpenApi: [] })
  })

  test('a heading names its routes as "`METHOD /path`", several joined on one line', () => {
    expect(documentedRoutes('## Links\n### `PATCH /a/{id}` · `PUT /a/{id}`\nText with `GET /not-a-heading`.\n### `GET /b`'))
      .toEqual(['GET /b', 'PATCH /a/{id}', 'PUT /a/{id}'])
  })
})
