// The error envelope as a response schema, so that the OpenAPI document shows it on every route.
import { t } from 'elysia'

export const errorEnvelope = t.Object({
  success: t.Literal(false),
  data: t.Null(),
  error: t.Object({ code: t.String(), message: t.String() }, { additionalProperties: true }),
  timestamp: t.String(),
}, { description: 'The error envelope' })

/** The error statuses a route may declare (500 never: see errorsOf). */
type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 409 | 410 | 422 | 429 | 503

/**
 * The error answers of one route. The rule every route follows: it lists the statuses that its own
 * service and the plugins in front of it can answer, and no other. Every route lists 400
 * (VALIDATION_ERROR, and the INVALID_* codes where it takes them): the global hooks refuse a NUL in
 * any parameter and a body that is not a JSON object before the route's own validation. A route that
 * reaches a store lists 503 (SERVICE_UNAVAILABLE). 500 is never listed: an INTERNAL answer is a bug,
 * not part of the contract (the fuzz suite fails on any).
 */
export function errorsOf<const S extends ErrorStatus>(...statuses: S[]): { [K in S]: typeof errorEnvelope } {
  return Object.fromEntries(statuses.map((s) => [s, errorEnvelope])) as { [K in S]: typeof errorEnvelope }
}

/**
 * What the auth plugin in front of a route answers: 401 (no credentials, an unknown or revoked key,
 * an expired JWT), 403 (a blocked account; a non-admin on admin routes), 429 (the plan's rate limit).
 * It runs before validation, so every /api/v1 answer may be one of these.
 */
export const authErrors = errorsOf(401, 403, 429)
