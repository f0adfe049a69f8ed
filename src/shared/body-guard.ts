// Bounds on what a request may carry before any handler sees it: header bytes, body bytes, JSON
// nesting, and a body on a JSON route that is not declared as JSON. Every refusal is an AppError,
// so it answers in the error envelope through the app's one error handler.
import { Elysia } from 'elysia'
import { AppError } from '../errors'
import { parseJsonBody, readBoundedText, declaredLength, tooLarge } from './json-body'

export type RequestLimits = Readonly<{ maxBodyBytes: number; maxBulkBodyBytes: number; maxJsonDepth: number; maxHeaderBytes: number }>

/** The routes that declare a body schema, as `METHOD path` (read once the app is built). */
type BodyRoutes = () => readonly { method: string; path: string; hooks?: { body?: unknown } }[]

const isJson = (contentType: string) => {
  const type = contentType.trim().toLowerCase()
  return type === 'application/json' || type.endsWith('+json')
}

/**
 * `bulkRoutes` (as `METHOD path`) take up to maxBulkBodyBytes, every other route maxBodyBytes:
 * bodies are read before the caller is known, so only the bulk route may cost its large bound.
 * `fileRoutes` take a file as the body (CSV or JSON text, unparsed): their handlers see the text.
 */
export function bodyGuard(limits: RequestLimits, routes: BodyRoutes, bulkRoutes: readonly string[], fileRoutes: readonly string[] = []) {
  let jsonRoutes: Set<string> | null = null
  const takesJson = (method: string, route: string) =>
    (jsonRoutes ??= new Set(routes().filter((r) => r.hooks?.body).map((r) => `${r.method} ${r.path}`))).has(`${method} ${route}`)
  const largest = Math.max(limits.maxBodyBytes, limits.maxBulkBodyBytes)
  const boundOf = (method: string, route: string) => (bulkRoutes.includes(`${method} ${route}`) ? limits.maxBulkBodyBytes : limits.maxBodyBytes)
  return new Elysia({ name: 'body-guard' })
    .onRequest(({ request }) => {
      // Past Bun's own bound (--max-http-header-size) Bun answers 431 itself, without a body,
      // before any of this runs: the start command sets it above this one.
      if (headerBytes(request.headers) > limits.maxHeaderBytes)
        throw new AppError('HEADERS_TOO_LARGE', `The request headers are larger than ${limits.maxHeaderBytes} bytes`, { limit: limits.maxHeaderBytes })
      // Refused unread, on every path, whether or not the route reads a body (the route's own
      // bound, known once routed, is applied as the body is read).
      if (declaredLength(request) > largest) throw tooLarge(largest)
    })
    .onParse({ as: 'global' }, async ({ request, route }, contentType) => {
      const json = takesJson(request.method, route)
      // (undefined: Elysia's own parser then sees the empty body, as before)
      if (!request.body) return json ? undefined : {}
      const text = await readBoundedText(request, boundOf(request.method, route))
      if (fileRoutes.includes(`${request.method} ${route}`)) {
        if (!isFile(contentType))
          throw new AppError('VALIDATION_ERROR', 'The file must be sent as text/csv or application/json', { field: 'body', in: 'headers' })
        return text
      }
      // A route without a body schema ignores its body; it is read (bounded) and dropped.
      if (!json) return {}
      if (text.trim() === '') return {}
      if (!isJson(contentType))
        throw new AppError('VALIDATION_ERROR', 'The request body was not read as JSON: Content-Type must be application/json', { field: 'body', in: 'headers' })
      return parseJsonBody(text, limits.maxJsonDepth)
    })
}

const isFile = (contentType: string) => {
  const type = contentType.split(';')[0].trim().toLowerCase()
  return isJson(type) || type === 'text/csv' || type === 'text/plain'
}

function headerBytes(headers: Headers): number {
  let total = 0
  headers.forEach((value, name) => { total += name.length + value.length + 4 })
  return total
}
