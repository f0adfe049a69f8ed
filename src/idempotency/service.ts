// The rules of Idempotency-Key: which requests take it, what makes two requests "the same", and
// which answers are kept to be answered again.
import { createHash } from 'node:crypto'
import { AppError } from '../errors'

export const HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'
/** A saved answer is replayed for 24 hours after the first request. */
export const KEEP_MS = 24 * 3_600_000
/** A claim outlives a request that never finishes (its instance stopped) by at most this long. */
export const LOCK_MS = 60_000
const MAX_KEY_LENGTH = 255

/** Only POSTs under /api/v1 take a key; every other request passes untouched. */
export const takesKey = (method: string, pathname: string) => method === 'POST' && pathname.startsWith('/api/v1/')

/** The key as sent: 1 to 255 printable ASCII characters, else a 400 on the header. */
export function keyOf(headers: Headers): string | null {
  const key = headers.get(HEADER)
  if (key === null) return null
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key))
    throw new AppError('VALIDATION_ERROR', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters without spaces`, { field: 'Idempotency-Key', in: 'headers' })
  return key
}

/** Two requests are the same when their method, path with query, content type and body bytes are. */
export function fingerprintOf(request: Request, body: string): string {
  const url = new URL(request.url)
  return createHash('sha256')
    .update(`${request.method} ${url.pathname}${url.search}\n${request.headers.get('content-type') ?? ''}\n`)
    .update(body)
    .digest('hex')
}

/** Where one account's key is kept: accounts never see each other's keys. */
export const recordKey = (prefix: string, accountId: string, key: string) =>
  `${prefix}idem:{${accountId}}:${createHash('sha256').update(key).digest('hex')}`

/**
 * An answer is saved when the endpoint ran and decided: 2xx/3xx and its own refusals (402, 403, 404,
 * 409, 410, 422). Refusals before it ran (400 validation, 401, 413, 429) and failures whose outcome is
 * unknown (5xx) are not saved: retrying them with the same key runs the request.
 */
export const isSaved = (status: number) => status < 400 || [402, 403, 404, 409, 410, 422].includes(status)

/** The answer's headers worth replaying: its type, location and its own (never rate limits or CORS). */
export const replayedHeaders = (headers: Headers): [string, string][] =>
  [...headers].filter(([name]) => name === 'content-type' || name === 'location' || name === 'content-disposition')

export const keyReused = () =>
  new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request (method, path or body) in the last 24 hours; use a new key')

export const keyInUse = () =>
  new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still in progress; retry once it has finished')
