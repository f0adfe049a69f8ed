// Slug rules: the characters, the length, the words that belong to the service itself.
import { AppError } from '../errors'
import { randomBase62 } from '../shared/ids'

export const SLUG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
export const GENERATED_SLUG_LENGTH = 7

/** Paths the service answers itself; lower-cased, compared case-insensitively. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'api', 'l', 'docs', 'openapi', 'openapi.json', 'health', 'ready', 'metrics', 'admin', 'login', 'logout',
  'register', 'signup', 'dashboard', 'static', 'assets', 'public', 'favicon.ico', 'robots.txt', 'well-known',
  '.well-known', 'app', 'auth', 'settings', 'account', 'qr', 'cron', 'status', 'www', 'help', 'about',
  'postman.json',
])

export function checkCustomSlug(slug: string): string {
  if (!SLUG_PATTERN.test(slug))
    throw new AppError('INVALID_SLUG', 'A slug is 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"', { field: 'slug' })
  if (RESERVED_SLUGS.has(slug.toLowerCase()))
    throw new AppError('INVALID_SLUG', `"${slug}" is reserved`, { field: 'slug' })
  return slug
}

/** Unguessable: 7+ base62 characters from the CSPRNG (62^7 ≈ 3.5e12). */
export function generateSlug(length = GENERATED_SLUG_LENGTH): string {
  return randomBase62(length)
}
