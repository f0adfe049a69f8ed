// The error envelope as a response schema, so that the OpenAPI document shows it on every route.
import { t } from 'elysia'

export const errorEnvelope = t.Object({
  success: t.Literal(false),
  data: t.Null(),
  error: t.Object({ code: t.String(), message: t.String() }, { additionalProperties: true }),
  timestamp: t.String(),
}, { description: 'The error envelope' })

export const errorSchemas = {
  400: errorEnvelope, 401: errorEnvelope, 402: errorEnvelope, 403: errorEnvelope,
  404: errorEnvelope, 409: errorEnvelope, 410: errorEnvelope, 429: errorEnvelope, 503: errorEnvelope,
}
