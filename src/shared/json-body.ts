// Every body this API takes is a JSON object. Elysia turns any other value ([], "x", 5, a text/plain
// body) into {} for a schema whose fields are all optional, so a PATCH of [] would answer 200 as if
// it were {}. The app refuses such a body up front instead.

/** True when a body is present and is not an object: JSON other than an object, or non-empty text. */
export function isNonObjectBody(body: unknown, contentType: string | null): boolean {
  if (body === undefined) return false
  if (typeof body === 'string') return contentType?.toLowerCase().includes('json') || body.trim() !== ''
  return body === null || typeof body !== 'object' || Array.isArray(body)
}
