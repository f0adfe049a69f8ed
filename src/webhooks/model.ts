// Request and response schemas of the webhooks API, and the row → API mappers.
import { t, type Static } from 'elysia'
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/schema'
import { ok, page, pagingQuery } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { EVENT_TYPES } from '../events/outbox'

const eventList = t.Array(oneOf(EVENT_TYPES), { minItems: 1, maxItems: 50, description: `any of ${EVENT_TYPES.join(', ')}` })

export const createBody = t.Object({
  url: t.String({ minLength: 1, maxLength: 2048 }),
  description: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
  events: eventList,
  isActive: t.Optional(t.Boolean()),
})
export type CreateWebhookInput = Static<typeof createBody>

export const updateBody = t.Partial(createBody)
export type UpdateWebhookInput = Static<typeof updateBody>

export const idParam = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })
export const deliveryParams = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }), deliveryId: t.String({ minLength: 1, maxLength: 100 }) })

export const deliveriesQuery = t.Object({
  ...pagingQuery,
  status: t.Optional(oneOf(['SUCCESS', 'FAILED', 'PENDING'])),
})
export type DeliveriesQuery = Static<typeof deliveriesQuery>

export const endpoint = t.Object({
  id: t.String(),
  url: t.String(),
  description: t.Nullable(t.String()),
  events: t.Array(t.String()),
  isActive: t.Boolean(),
  failureCount: t.Number(),
  /** Why delivery turned the endpoint off (10 days of failures); null when its owner did, or it is on. */
  disabledReason: t.Nullable(t.String()),
  createdAt: t.String(),
  updatedAt: t.String(),
})
export type Endpoint = Static<typeof endpoint>

const withSecret = t.Composite([endpoint, t.Object({ secret: t.String() })])

export const delivery = t.Object({
  id: t.String(),
  eventId: t.String(),
  eventType: t.String(),
  status: t.UnionEnum(['PENDING', 'SUCCESS', 'FAILED']),
  httpStatus: t.Nullable(t.Number()),
  attemptCount: t.Number(),
  responseTime: t.Nullable(t.Number({ description: 'milliseconds, of the last attempt' })),
  error: t.Nullable(t.String({ description: 'why the last attempt failed' })),
  nextAttemptAt: t.Nullable(t.String()),
  createdAt: t.String(),
  deliveredAt: t.Nullable(t.String()),
})

export const responses = {
  created: ok(withSecret),
  one: ok(endpoint),
  list: ok(t.Array(endpoint)),
  deleted: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
  secret: ok(t.Object({ id: t.String(), secret: t.String() })),
  deliveries: page(delivery),
  retried: ok(delivery),
  tested: ok(t.Object({
    httpStatus: t.Nullable(t.Number()), responseTime: t.Number(), message: t.String(), deliveryId: t.String(),
    responseBody: t.Nullable(t.String({ description: 'The first 1,000 characters of the endpoint\'s answer body (of its first 16 KiB), as text; null when no answer was read' })),
  })),
}

/** Picks the API fields one by one: the secret never leaves except where it is shown once. */
export function toEndpoint(row: WebhookEndpointRow): Endpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    isActive: row.isActive,
    failureCount: row.failureCount,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toDelivery(row: WebhookDeliveryRow): Static<typeof delivery> {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    httpStatus: row.httpStatus,
    attemptCount: row.attemptCount,
    responseTime: row.responseTimeMs,
    error: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  }
}
