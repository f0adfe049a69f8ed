// Background delivery: events from the outbox become one delivery per subscribed endpoint, and due
// deliveries are sent. Both steps claim rows in Postgres (SKIP LOCKED, a lease), so any number of
// instances share the work, and a restart resumes it where it stopped.
import { and, asc, eq, inArray, isNull, lt, lte, ne } from 'drizzle-orm'
import type { Deps } from '../deps'
import { events, webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow } from '../db/schema'
import { newId } from '../shared/ids'
import { recordAttempt, sendSigned } from './attempt'

const EVENTS_PER_PASS = 200
/** Sent at once: a slow endpoint holds one of these for up to WEBHOOK_TIMEOUT_MS, not the rest. */
const DELIVERIES_PER_CLAIM = 50
/** A pass keeps claiming while whole claims come back, for at most this long. */
const PASS_BUDGET_MS = 30_000
/** Longer than an attempt can take (timeout and bookkeeping): a crashed instance's claim lapses after it. */
const LEASE_MS = 60_000

type StoredEvent = typeof events.$inferSelect

/** The body every endpoint receives for an event: `{ id, event, timestamp, data }`. */
export const payloadOf = (e: Pick<StoredEvent, 'id' | 'type' | 'createdAt' | 'data'>) =>
  JSON.stringify({ id: e.id, event: e.type, timestamp: e.createdAt.toISOString(), data: e.data })

/** One pass: fan out what the outbox holds, then send what is due. */
export async function dispatchWebhooks(deps: Deps): Promise<{ events: number; attempts: number }> {
  let fanned = 0
  let n: number
  do {
    n = await fanOutEvents(deps)
    fanned += n
  } while (n === EVENTS_PER_PASS)
  let attempts = 0
  const started = performance.now()
  for (;;) {
    const due = await claimDue(deps)
    await Promise.all(due.map((d) => attemptClaimed(deps, d)))
    attempts += due.length
    if (due.length < DELIVERIES_PER_CLAIM || performance.now() - started > PASS_BUDGET_MS) break
  }
  return { events: fanned, attempts }
}

/**
 * Turns undispatched events into deliveries, for the active endpoints of the event's account that
 * subscribe to its type and existed when it happened; marks the events dispatched either way.
 */
export async function fanOutEvents(deps: Deps): Promise<number> {
  const now = deps.now()
  return deps.db.transaction(async (tx) => {
    const batch = await tx.select().from(events).where(isNull(events.dispatchedAt))
      .orderBy(asc(events.createdAt)).limit(EVENTS_PER_PASS).for('update', { skipLocked: true })
    if (batch.length === 0) return 0
    const owners = [...new Set(batch.flatMap((e) => (e.userId ? [e.userId] : [])))]
    const endpoints = owners.length === 0 ? [] : await tx.select().from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.userId, owners), eq(webhookEndpoints.isActive, true)))
    const rows = batch.flatMap((e) => endpoints
      .filter((ep) => ep.userId === e.userId && ep.events.includes(e.type) && ep.createdAt <= e.createdAt)
      .map((ep) => ({ id: newId('dlv'), endpointId: ep.id, eventId: e.id, eventType: e.type, body: payloadOf(e), nextAttemptAt: now })))
    // (in slices: each row is six parameters, and a statement takes at most 65,535)
    for (let i = 0; i < rows.length; i += 1000)
      await tx.insert(webhookDeliveries).values(rows.slice(i, i + 1000)).onConflictDoNothing()
    await tx.update(events).set({ dispatchedAt: now }).where(inArray(events.id, batch.map((e) => e.id)))
    return batch.length
  })
}

/** Claims due deliveries by moving their next attempt a lease ahead; the attempt then sets it. */
async function claimDue(deps: Deps): Promise<WebhookDeliveryRow[]> {
  const now = deps.now()
  const d = webhookDeliveries
  const due = deps.db.select({ id: d.id }).from(d)
    .where(and(eq(d.status, 'PENDING'), lte(d.nextAttemptAt, now)))
    .orderBy(asc(d.nextAttemptAt)).limit(DELIVERIES_PER_CLAIM).for('update', { skipLocked: true })
  return deps.db.update(d).set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(and(inArray(d.id, due), eq(d.status, 'PENDING'))).returning()
}

async function attemptClaimed(deps: Deps, d: WebhookDeliveryRow) {
  try {
    const [endpoint] = await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId))
    if (!endpoint?.isActive) {
      // Turned off (by its owner or by failing) since the event: what waits for it is dropped.
      await deps.db.update(webhookDeliveries).set({ status: 'FAILED', nextAttemptAt: null, lastError: 'the endpoint is disabled' })
        .where(eq(webhookDeliveries.id, d.id))
      return
    }
    const result = await sendSigned(deps, endpoint, d)
    await recordAttempt(deps, d, result, { retry: true, onEndpoint: true })
  } catch (e) {
    // The lease lapses and the attempt is made again: at least once, never lost.
    deps.log.warn('webhook attempt not recorded', { delivery: d.id, error: String(e) })
  }
}

/** Delivered or abandoned deliveries, and dispatched events, are kept this long. */
export const HISTORY_MS = 30 * 86_400_000
const PRUNE_EVERY_MS = 3_600_000

export async function pruneWebhookHistory(deps: Deps): Promise<void> {
  const before = new Date(deps.now().getTime() - HISTORY_MS)
  await deps.db.delete(webhookDeliveries).where(and(ne(webhookDeliveries.status, 'PENDING'), lt(webhookDeliveries.createdAt, before)))
  await deps.db.delete(events).where(lt(events.dispatchedAt, before))
}

/** Runs a pass every WEBHOOK_POLL_MS; returns a stop function that waits for the pass under way. */
export function startWebhookDispatcher(deps: Deps): () => Promise<void> {
  let running: Promise<unknown> | null = null
  let prunedAt = 0
  const pass = async () => {
    await dispatchWebhooks(deps)
    if (deps.now().getTime() - prunedAt < PRUNE_EVERY_MS) return
    prunedAt = deps.now().getTime()
    await pruneWebhookHistory(deps)
  }
  const timer = setInterval(() => {
    if (running) return
    running = pass()
      .catch((e) => deps.log.warn('webhook dispatch failed', { error: String(e) }))
      .finally(() => { running = null })
  }, deps.config.webhooks.pollMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
