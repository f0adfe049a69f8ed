// Every body this API takes is a JSON object. Elysia turns any other value ([], "x", 5, a text/plain
// body) into {} for a schema whose fields are all optional, so a PATCH of [] would answer 200 as if
// it were {}. The app refuses such a body up front instead.
import { AppError } from '../errors'

/** True when a body is present and is not an object: JSON other than an object, or non-empty text. */
export function isNonObjectBody(body: unknown, contentType: string | null): boolean {
  if (body === undefined) return false
  if (typeof body === 'string') return contentType?.toLowerCase().includes('json') || body.trim() !== ''
  return body === null || typeof body !== 'object' || Array.isArray(body)
}

/**
 * Reads a body as text, at most `maxBytes` of it: a declared Content-Length over the bound is
 * refused unread, and a chunked body is cancelled as soon as it passes the bound, so no body
 * costs more memory than the bound whatever its framing.
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  if (declaredLength(request) > maxBytes) throw tooLarge(maxBytes)
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      void reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** The Content-Length a request declares; 0 when it declares none (chunked, or no body). */
export function declaredLength(request: Request): number {
  const raw = request.headers.get('content-length')
  return raw === null ? 0 : Number(raw) || 0
}

export const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`, { field: 'body', limit: maxBytes })

/**
 * True when JSON text nests arrays or objects deeper than `maxDepth`. One pass over the raw text,
 * skipping strings, so it runs before JSON.parse and validation: Elysia's validation error for a
 * deeply nested value renders it recursively (a stack overflow past ~10,000 levels, a quadratic
 * pretty-print below that outside production), so such a body must never reach validation.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** Parses a JSON body that is within the bounds, or throws VALIDATION_ERROR saying why not. */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (nestsDeeperThan(text, maxDepth))
    throw new AppError('VALIDATION_ERROR', `The request body nests arrays or objects deeper than ${maxDepth} levels`, { field: 'body', limit: maxDepth })
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('VALIDATION_ERROR', 'The request body is not valid JSON', { field: 'body' })
  }
}
