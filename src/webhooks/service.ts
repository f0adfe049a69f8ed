// Webhook endpoints: register (the secret shown once), list, read, change, delete, rotate the
// secret; a delivery history per endpoint, a manual retry, and a test ping.
import { and, count, desc, eq, ne } from 'drizzle-orm'
import type { Deps } from '../deps'
import { webhookDeliveries, webhookEndpoints } from '../db/schema'
import { lockAccount } from '../db/client'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { newId } from '../shared/ids'
import { pageOf, paging } from '../shared/envelope'
import { newWebhookSecret } from './sign'
import { sealSecret } from '../shared/secret-box'
import { webhookSecretPlace } from '../db/seal-secrets'
import { checkWebhookTarget } from './send'
import { claim, failureOf, recordAttempt, sendSigned, succeeded } from './attempt'
import { payloadOf } from './payload'
import { toDelivery, toEndpoint, type CreateWebhookInput, type DeliveriesQuery, type UpdateWebhookInput } from './model'

/** Each endpoint multiplies every event; an account needs a handful. */
export const MAX_ENDPOINTS = 20

export async function createWebhook(deps: Deps, caller: Caller, input: CreateWebhookInput) {
  const url = await checkedUrl(deps, input.url)
  const secret = newWebhookSecret()
  const row = await deps.db.transaction(async (tx) => {
    await lockAccount(tx, caller.userId)
    const [{ n }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.userId, caller.userId))
    if (n >= MAX_ENDPOINTS) throw new AppError('FORBIDDEN', `An account can have at most ${MAX_ENDPOINTS} webhook endpoints`, { limit: MAX_ENDPOINTS })
    const id = newId('whk')
    const [row] = await tx.insert(webhookEndpoints).values({
      id, userId: caller.userId, url, description: input.description ?? null,
      secret: sealSecret(deps.config.secretsKeys, secret, webhookSecretPlace(id)), events: [...new Set(input.events)], isActive: input.isActive ?? true,
    }).returning()
    return row
  })
  return { success: true as const, data: { ...toEndpoint(row), secret } }
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
  const was = await ownEndpoint(deps, caller, id)
  const switched = input.isActive !== undefined && input.isActive !== was.isActive
  const changes = {
    ...(input.url !== undefined ? { url: await checkedUrl(deps, input.url) } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
    // Switched on or off by its owner: a fresh start, and no reason of ours to show. (Sent
    // unchanged, as a client sending the whole object back does, it changes nothing.)
    ...(switched ? { isActive: input.isActive, failureCount: 0, failingSince: null, lastFailedAt: null, disabledReason: null } : {}),
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
  const secret = newWebhookSecret()
  const sealed = sealSecret(deps.config.secretsKeys, secret, webhookSecretPlace(id))
  const [row] = await deps.db.update(webhookEndpoints).set({ secret: sealed, updatedAt: deps.now() })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, caller.userId))).returning()
  if (!row) throw notFound(id)
  return { success: true as const, data: { id: row.id, secret } }
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
 * Sends a pending or failed delivery again now and answers the outcome: a success ends it; a
 * failure of a pending one is scheduled again like any failed attempt, a failed one stays failed.
 */
export async function retryDelivery(deps: Deps, caller: Caller, id: string, deliveryId: string) {
  const endpoint = await ownEndpoint(deps, caller, id)
  const d = webhookDeliveries
  const [found] = await deps.db.select({ status: d.status }).from(d).where(and(eq(d.id, deliveryId), eq(d.endpointId, id)))
  if (!found) throw new AppError('NOT_FOUND', 'Delivery not found', { deliveryId })
  if (found.status === 'SUCCESS') throw new AppError('CONFLICT', 'This delivery has already succeeded', { deliveryId })
  const claimed = await claim(deps, deliveryId, ne(d.status, 'SUCCESS'))
  if (!claimed) throw new AppError('CONFLICT', 'An attempt of this delivery is under way; try again shortly', { deliveryId })
  const result = await sendSigned(deps, endpoint, claimed)
  const row = await recordAttempt(deps, claimed, result, { retry: claimed.status === 'PENDING' })
  return { success: true as const, data: toDelivery(row ?? claimed) }
}

/** A `ping` event sent now and recorded with its outcome: never retried, never held against the endpoint. */
export async function testWebhook(deps: Deps, caller: Caller, id: string) {
  const endpoint = await ownEndpoint(deps, caller, id)
  const event = { id: newId('evt'), type: 'ping', createdAt: deps.now(), data: { webhookId: id, message: 'A test event from Kurz' } }
  const message = { eventId: event.id, eventType: event.type, body: payloadOf(event) }
  const result = await sendSigned(deps, endpoint, message, true)
  const ok = succeeded(result)
  const [d] = await deps.db.insert(webhookDeliveries).values({
    id: newId('dlv'), endpointId: id, ...message, status: ok ? 'SUCCESS' : 'FAILED', httpStatus: result.httpStatus,
    attemptCount: 1, responseTimeMs: result.responseTimeMs, lastError: ok ? null : failureOf(result), deliveredAt: ok ? deps.now() : null,
  }).returning()
  return {
    success: true as const,
    data: {
      httpStatus: result.httpStatus,
      responseTime: result.responseTimeMs,
      message: ok ? 'Test delivery successful' : `Test delivery failed: ${failureOf(result)}`,
      deliveryId: d.id,
      responseBody: result.responseBody,
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
