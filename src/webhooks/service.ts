// Webhook endpoints: register (the secret shown once), list, read, change, delete, rotate the
// secret; a delivery history per endpoint, a manual retry, and a test ping.
import { and, count, desc, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { webhookDeliveries, webhookEndpoints } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { newId } from '../shared/ids'
import { pageOf, paging } from '../shared/envelope'
import { newWebhookSecret } from './sign'
import { checkWebhookTarget } from './send'
import { failureOf, recordAttempt, sendSigned, succeeded } from './attempt'
import { payloadOf } from './dispatcher'
import { toDelivery, toEndpoint, type CreateWebhookInput, type DeliveriesQuery, type UpdateWebhookInput } from './model'

/** Each endpoint multiplies every event; an account needs a handful. */
export const MAX_ENDPOINTS = 20

export async function createWebhook(deps: Deps, caller: Caller, input: CreateWebhookInput) {
  const url = await checkedUrl(deps, input.url)
  const [{ n }] = await deps.db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.userId, caller.userId))
  if (n >= MAX_ENDPOINTS) throw new AppError('FORBIDDEN', `An account can have at most ${MAX_ENDPOINTS} webhook endpoints`, { limit: MAX_ENDPOINTS })
  const [row] = await deps.db.insert(webhookEndpoints).values({
    id: newId('whk'), userId: caller.userId, url, description: input.description ?? null,
    secret: newWebhookSecret(), events: [...new Set(input.events)], isActive: input.isActive ?? true,
  }).returning()
  return { success: true as const, data: { ...toEndpoint(row), secret: row.secret } }
}

export async function listWebhooks(deps: Deps, caller: Caller) {
  const rows = await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.userId, caller.userId))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
  return { success: true as const, data: rows.map(toEndpoint) }
}

export async function getWebhook(deps: Deps, caller: Caller, id: string) {
  return { success: true as const, data: toEndpoint(await ownEndpoint(deps, caller, id)) }
}

export async function updateWebhook(deps: Deps, caller: Caller, id: string, input: UpdateWebhookInput) {
  await ownEndpoint(deps, caller, id)
  const changes = {
    ...(input.url !== undefined ? { url: await checkedUrl(deps, input.url) } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
    // Switched on or off by its owner: a fresh start, and no reason of ours to show.
    ...(input.isActive !== undefined ? { isActive: input.isActive, failureCount: 0, failingSince: null, disabledReason: null } : {}),
  }
  const [row] = await deps.db.update(webhookEndpoints).set({ ...changes, updatedAt: deps.now() })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, caller.userId))).returning()
  if (!row) throw notFound(id)
  return { success: true as const, data: toEndpoint(row) }
}

export async function deleteWebhook(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, caller.userId))).returning({ id: webhookEndpoints.id })
  if (!row) throw notFound(id)
  return { success: true as const, data: null, message: 'Webhook endpoint deleted' }
}

/** The old secret stops signing at once: deliveries are signed when they are sent. */
export async function rotateWebhookSecret(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.update(webhookEndpoints).set({ secret: newWebhookSecret(), updatedAt: deps.now() })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, caller.userId))).returning()
  if (!row) throw notFound(id)
  return { success: true as const, data: { id: row.id, secret: row.secret } }
}

export async function listDeliveries(deps: Deps, caller: Caller, id: string, query: DeliveriesQuery) {
  await ownEndpoint(deps, caller, id)
  const d = webhookDeliveries
  const where = and(eq(d.endpointId, id), query.status ? eq(d.status, query.status) : undefined)
  const p = paging(query)
  const [rows, [{ total }]] = await Promise.all([
    deps.db.select().from(d).where(where).orderBy(desc(d.createdAt), desc(d.id)).limit(p.size).offset(p.offset),
    deps.db.select({ total: count() }).from(d).where(where),
  ])
  return pageOf(rows.map(toDelivery), total, p)
}

/**
 * Sends the delivery again now, whatever its state, and answers the outcome. A pending one that
 * fails keeps its schedule; a failed one stays failed. (Receivers deduplicate by webhook-id: a
 * retry that meets the dispatcher's own attempt may arrive twice.)
 */
export async function retryDelivery(deps: Deps, caller: Caller, id: string, deliveryId: string) {
  const endpoint = await ownEndpoint(deps, caller, id)
  const [d] = await deps.db.select().from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, id)))
  if (!d) throw new AppError('NOT_FOUND', 'Delivery not found', { deliveryId })
  const result = await sendSigned(deps, endpoint, d)
  const row = await recordAttempt(deps, d, result, { retry: d.status === 'PENDING', onEndpoint: true })
  return { success: true as const, data: toDelivery(row) }
}

/** A `ping` event sent now, recorded in the history, never retried nor held against the endpoint. */
export async function testWebhook(deps: Deps, caller: Caller, id: string) {
  const endpoint = await ownEndpoint(deps, caller, id)
  const event = { id: newId('evt'), type: 'ping', createdAt: deps.now(), data: { webhookId: id, message: 'A test event from Kurz' } }
  const [d] = await deps.db.insert(webhookDeliveries).values({
    id: newId('dlv'), endpointId: id, eventId: event.id, eventType: event.type, body: payloadOf(event), nextAttemptAt: null,
  }).returning()
  const result = await sendSigned(deps, endpoint, d)
  await recordAttempt(deps, d, result, { retry: false, onEndpoint: false })
  return {
    success: true as const,
    data: {
      httpStatus: result.httpStatus,
      responseTime: result.responseTimeMs,
      message: succeeded(result) ? 'Test delivery successful' : `Test delivery failed: ${failureOf(result)}`,
      deliveryId: d.id,
    },
  }
}

async function ownEndpoint(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.select().from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, caller.userId)))
  if (!row) throw notFound(id)
  return row
}

const notFound = (id: string) => new AppError('NOT_FOUND', 'Webhook endpoint not found', { id })

async function checkedUrl(deps: Deps, url: string): Promise<string> {
  const { dnsServers, webhooks } = deps.config
  const why = await checkWebhookTarget(url, { dnsServers, allowPrivate: webhooks.allowPrivate, timeoutMs: webhooks.timeoutMs })
  if (why) throw new AppError('INVALID_URL', why, { field: 'url' })
  return new URL(url.trim()).href
}
