// PostgreSQL text cannot hold U+0000: a NUL anywhere in a request's input would reach the database
// and fail there (a 500, or half a bulk write). The app refuses it up front, naming the field.

/** The path of the first string holding a NUL (`links.1.title`), or null. */
export function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (value === null || typeof value !== 'object' || depth > 32) return null
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path}.${key}` : key
    const found = nulField(inner, path ? `${path}.${key}` : key, depth + 1)
    if (found !== null) return found
  }
  return null
}
