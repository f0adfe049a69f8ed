// What the OpenAPI document needs beyond what Elysia derives from the routes: the paths Bun's
// router serves, non-JSON answers, and a finishing pass over the generated document.
import { t } from 'elysia'
import { errorEnvelope } from '../shared/error-schemas'
import { SLUG_PATTERN } from '../links/slug'
import { publicSecurity } from './security'

/** Schema option naming the media types of a non-JSON answer (Elysia lists any string as text/plain). */
const MEDIA_TYPES = 'x-media-types'
type Media = Record<string, { type: 'string'; format?: 'binary' }>

/** A non-JSON answer, listed under each of its media types. */
export const mediaAnswer = (description: string, types: Record<string, 'text' | 'binary'>) =>
  t.String({
    description,
    [MEDIA_TYPES]: Object.fromEntries(Object.entries(types).map(([m, k]) => [m, k === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' }])),
  })

/** A redirect: no body, the destination in Location. */
export const redirectAnswer = (description: string) => t.Null({ description })

const location = { Location: { description: 'The destination', schema: { type: 'string', format: 'uri' } } }
const slugParameter = {
  name: 'slug', in: 'path', required: true,
  schema: { type: 'string', pattern: SLUG_PATTERN.source, description: 'The short code' },
}
const failure = (description: string) => ({
  description,
  content: {
    'application/json': { schema: errorEnvelope },
    // Browsers (Accept: text/html) get a small page with the same status instead of JSON.
    'text/html': { schema: { type: 'string' } },
  },
})
// (a NUL in the query string: every route Elysia answers refuses it)
const invalid = { description: 'VALIDATION_ERROR', content: { 'application/json': { schema: errorEnvelope } } }
const redirect = (method: 'GET' | 'HEAD') => ({
  tags: ['Redirects'],
  operationId: `${method.toLowerCase()}Redirect`,
  summary: method === 'GET' ? 'Follow a short link' : 'Check a short link without counting a click',
  description: (method === 'GET'
    ? 'Redirects to the link\'s destination (302 by default; the installation may choose 301, 307 or 308) and records one click. '
    : 'Answers what GET would, without a body, and records no click. ')
    + 'The query string of the short URL is passed on to the destination. On a verified custom domain the slug is '
    + 'looked up in that domain\'s namespace. A typed link (wifi, vcard, text) redirects to its page /l/{slug}. '
    + 'A single-use link redirects once; later requests answer 410. Public: no credentials, no plan limit '
    + '(clicks past the plan\'s click limit are still redirected and counted). '
    + 'Smart links: a password-protected link answers its password page (browsers) or 401 LINK_PASSWORD_REQUIRED until unlocked '
    + '(the unlock cookie, or the password in the X-Link-Password header: 401 LINK_PASSWORD_INVALID when wrong, 429 with Retry-After past the tries); '
    + 'a link with maxClicks is used up after that many clicks; an expired or used-up link with an expiredUrl (its own or its custom '
    + 'domain\'s) redirects there instead of the 410, and an unknown slug on a custom domain with a notFoundUrl there instead of the 404; '
    + 'a link-preview crawler (Slack, X, Facebook, LinkedIn, Discord, Telegram, WhatsApp, iMessage) fetching a link with og tags gets a '
    + 'page of those tags and no click is counted. `?trigger=qr` (the QR code\'s marker) records the click as a QR scan and is not passed on.',
  security: publicSecurity,
  parameters: [slugParameter, {
    name: 'X-Link-Password', in: 'header', required: false,
    schema: { type: 'string', description: 'The password of a password-protected link, for a redirect without the page', examples: ['correct horse'] },
  }],
  responses: {
    302: { description: 'Redirect to the destination (or the status the installation configured), or to a fallback URL', headers: location },
    200: { description: 'A link-preview crawler: the og tags page', content: { 'text/html': { schema: { type: 'string' } } } },
    401: failure('LINK_PASSWORD_REQUIRED (the password page for browsers) or LINK_PASSWORD_INVALID'),
    429: failure('RATE_LIMIT_EXCEEDED: too many password tries, or too many unknown slugs (Retry-After)'),
    404: failure('LINK_NOT_FOUND: no such slug, or the link is disabled or deleted'),
    410: failure('LINK_EXPIRED: the link has expired or was used up'),
    503: failure('SERVICE_UNAVAILABLE: the link store cannot be reached'),
  },
})

const unlock = {
  tags: ['Redirects'],
  operationId: 'unlockLink',
  summary: 'Unlock a password-protected link',
  description: 'The password page\'s form (application/x-www-form-urlencoded, field `password`, at most 4096 bytes). The right password '
    + 'answers 303 back to the short URL (with its query) and sets the unlock cookie: signed, scoped to this link\'s path, HttpOnly, '
    + 'SameSite=Lax, valid for an hour, void once the password changes. A wrong one answers the page again (401) or the envelope. Tries are limited '
    + 'per link (20) and per client address (10) per 15 minutes: past either, 429 with Retry-After. No click is counted. Public.',
  security: publicSecurity,
  parameters: [slugParameter],
  requestBody: {
    required: true,
    content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { password: { type: 'string', examples: ['correct horse'] } }, required: ['password'] } } },
  },
  responses: {
    303: { description: 'Unlocked: back to the short URL, with the unlock cookie', headers: { Location: { description: 'The short URL', schema: { type: 'string' } } } },
    400: failure('VALIDATION_ERROR: the body is not a form'),
    401: failure('LINK_PASSWORD_INVALID: the password page again, with the error'),
    404: failure('LINK_NOT_FOUND'),
    405: failure('METHOD_NOT_ALLOWED: the link has no password'),
    410: failure('LINK_EXPIRED'),
    413: failure('PAYLOAD_TOO_LARGE'),
    429: failure('RATE_LIMIT_EXCEEDED: too many tries (Retry-After)'),
  },
}

/** Paths answered outside Elysia's route table: Bun's router (redirects) and the documentation itself. */
export const extraPaths = {
  '/{slug}': { get: redirect('GET'), head: redirect('HEAD'), post: unlock },
  '/openapi.json': {
    get: {
      tags: ['Operations'], operationId: 'getOpenapiJson', security: publicSecurity,
      summary: 'This document', description: 'The OpenAPI 3.1 document of the whole API, generated from the routes\' own schemas. Public.',
      responses: { 200: { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } }, 400: invalid },
    },
  },
  '/docs': {
    get: {
      tags: ['Operations'], operationId: 'getDocs', security: publicSecurity,
      summary: 'API reference page', description: 'An interactive reference of this document (Scalar), served with its script from this server. Public.',
      responses: { 200: { description: 'The reference page', content: { 'text/html': { schema: { type: 'string' } } } }, 400: invalid },
    },
  },
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Elysia marks every object schema `additionalProperties: false` when it compiles a route, because it
 * strips unknown fields before validating. The server ignores unknown fields; a client validating
 * against `false` would refuse requests the server takes (and answers that gain a field later), so
 * the document drops it. Elysia's `error` option (our validation messages) is not JSON Schema either.
 */
function finishSchema(schema: unknown): void {
  if (!isObject(schema)) return
  if (schema.additionalProperties === false) delete schema.additionalProperties
  if (isObject(schema.error)) delete schema.error
  for (const key of ['properties', 'patternProperties'] as const)
    if (isObject(schema[key])) Object.values(schema[key] as Json).forEach(finishSchema)
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
    if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach(finishSchema)
  for (const key of ['items', 'additionalProperties', 'not'] as const) finishSchema(schema[key])
}

function finishResponse(status: string, response: Json): void {
  const media = (response.content as Record<string, { schema?: Json }> | undefined)?.['text/plain']?.schema?.[MEDIA_TYPES]
  if (isObject(media)) response.content = Object.fromEntries(Object.entries(media as Media).map(([m, schema]) => [m, { schema }]))
  if (status.startsWith('3')) {
    delete response.content
    response.headers = { ...location, ...(response.headers as Json | undefined) }
  }
  for (const c of Object.values((response.content ?? {}) as Record<string, { schema?: unknown }>)) finishSchema(c.schema)
}

/** Any request that carries a body may be refused for its size, before routing: declared where a body may come. */
const tooLarge = { description: 'PAYLOAD_TOO_LARGE: the body is larger than the server takes', content: { 'application/json': { schema: errorEnvelope } } }
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete'])

/** A route as Elysia's route table has it: its body schema, if it declares one. */
export type DocumentedRoute = { method: string; path: string; hooks?: { body?: unknown } }

/**
 * Elysia leaves a request body's media types empty when a route has a parse hook of its own (the
 * body guard's bounded reader, on every route): such a body is JSON, with the route's schema.
 */
function jsonBodies(routes: readonly DocumentedRoute[]): Map<string, unknown> {
  const bodies = new Map<string, unknown>()
  for (const r of routes) if (r.hooks?.body) bodies.set(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`, r.hooks.body)
  return bodies
}

/** A copy of Elysia's document with the fixes above; the original is Elysia's cache, left as is. */
export function finishDocument<D extends object>(generated: D, routes: readonly DocumentedRoute[] = []): D {
  const doc = JSON.parse(JSON.stringify(generated)) as Json
  const bodies = jsonBodies(routes)
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op)) continue
      if (BODY_METHODS.has(method) && isObject(op.responses)) op.responses[413] ??= tooLarge
      const body = bodies.get(`${method} ${path}`)
      const requestBody = op.requestBody as Json | undefined
      if (body && isObject(requestBody) && Object.keys((requestBody.content ?? {}) as Json).length === 0)
        requestBody.content = { 'application/json': { schema: JSON.parse(JSON.stringify(body)) } }
      for (const p of (op.parameters ?? []) as Json[]) finishSchema(p.schema)
      for (const c of Object.values(((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>)) finishSchema(c.schema)
      for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) finishResponse(status, r)
    }
  }
  return doc as D
}
