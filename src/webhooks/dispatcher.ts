// Background delivery: events from the outbox become one delivery per subscribed endpoint, and due
// deliveries are sent. Both steps claim rows in Postgres (SKIP LOCKED, a lease), so any number of
// instances share the work, and a restart resumes it where it stopped. Leases and due times are
// read off each instance's clock: instances are expected to keep theirs in step (NTP).
import { and, asc, eq, inArray, isNull, lt, lte, ne, notInArray, or } from 'drizzle-orm'
import type { Deps } from '../deps'
import { events, webhookDeliveries, webhookEndpoints } from '../db/schema'
import { newId } from '../shared/ids'
import { claim, recordAttempt, sendSigned, type Claimed } from './attempt'
import { payloadOf } from './payload'
import { outboxWrites } from '../events/outbox'

const EVENTS_PER_PASS = 200
/** Attempts under way at once in an instance. */
const SLOTS = 32
/**
 * Of those, at most this many for one endpoint: a hanging endpoint holds that many slots for
 * WEBHOOK_TIMEOUT_MS, and the others go on serving everyone else.
 */
const PER_ENDPOINT = 8

/** One whole pass, waited for: fan out what the outbox holds, and send all that is due. */
export async function dispatchWebhooks(deps: Deps): Promise<{ events: number; attempts: number }> {
  const dispatcher = new WebhookDispatcher(deps)
  const events = await dispatcher.tick()
  await dispatcher.drain()
  return { events, attempts: dispatcher.attempts }
}

/**
 * Each tick fans out the outbox and fills the free slots with due deliveries; it does not wait for
 * them, and each attempt that ends claims the next. So a slow endpoint holds at most PER_ENDPOINT
 * slots for WEBHOOK_TIMEOUT_MS, and new events of everyone else go out on the next tick.
 */
export class WebhookDispatcher {
  attempts = 0
  private readonly perEndpoint = new Map<string, number>()
  private readonly underWay = new Set<Promise<void>>()
  /** Claiming loops, while they run: a claim in flight is work under way too. */
  private readonly claiming = new Set<Promise<void>>()
  private filling = false
  private refill = false
  private stopped = false

  constructor(private readonly deps: Deps) {}

  /** Returns how many events it fanned out. */
  async tick(): Promise<number> {
    let fanned = 0
    let n: number
    do {
      n = await fanOutEvents(this.deps)
      fanned += n
    } while (n === EVENTS_PER_PASS)
    await this.fill()
    return fanned
  }

  /**
   * Waits until no attempt is under way and nothing is being claimed (attempts that end claim the
   * next due ones meanwhile: an attempt that ended may leave only a claim in flight).
   */
  async drain(): Promise<void> {
    while (this.underWay.size || this.claiming.size) await Promise.allSettled([...this.underWay, ...this.claiming])
  }

  /** Attempts under way or claims in flight. */
  get busy(): boolean {
    return this.underWay.size !== 0 || this.claiming.size !== 0
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.drain()
  }

  private fill(): Promise<void> {
    const claiming = this.claimFreeSlots()
    this.claiming.add(claiming)
    const forget = () => { this.claiming.delete(claiming) }
    claiming.then(forget, forget)
    return claiming
  }

  private async claimFreeSlots(): Promise<void> {
    if (this.filling) {
      this.refill = true
      return
    }
    this.filling = true
    try {
      do {
        this.refill = false
        while (!this.stopped && this.underWay.size < SLOTS) {
          const busy = [...this.perEndpoint].flatMap(([id, n]) => (n >= PER_ENDPOINT ? [id] : []))
          const d = await claimDue(this.deps, busy)
          if (!d) break
          this.start(d) // (even if stopped meanwhile: it is claimed, and stop() waits for it)
        }
      } while (this.refill && !this.stopped)
    } finally {
      this.filling = false
    }
  }

  private start(d: Claimed) {
    const endpoint = d.endpointId
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1)
    const attempt: Promise<void> = attemptClaimed(this.deps, d).finally(() => {
      this.attempts++
      this.underWay.delete(attempt)
      const left = this.perEndpoint.get(endpoint)! - 1
      if (left) this.perEndpoint.set(endpoint, left)
      else this.perEndpoint.delete(endpoint)
      if (!this.stopped) void this.fill().catch((e) => this.deps.log.warn('webhook dispatch failed', { error: String(e) }))
    })
    this.underWay.add(attempt)
  }
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

/** The longest-due delivery that no attempt holds, of an endpoint not in `busy`. */
async function claimDue(deps: Deps, busy: string[]): Promise<Claimed | null> {
  const now = deps.now()
  const d = webhookDeliveries
  // Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT 1): the planner may run such a
  // sub-select more than once, and the update then claims more rows than it returns.
  return deps.db.transaction(async (tx) => {
    const [next] = await tx.select({ id: d.id }).from(d)
      .where(and(eq(d.status, 'PENDING'), lte(d.nextAttemptAt, now), or(isNull(d.claimedUntil), lte(d.claimedUntil, now)),
        busy.length ? notInArray(d.endpointId, busy) : undefined))
      .orderBy(asc(d.nextAttemptAt)).limit(1).for('update', { skipLocked: true })
    return next ? claim(deps, next.id, eq(d.status, 'PENDING'), tx) : null
  })
}

async function attemptClaimed(deps: Deps, d: Claimed) {
  try {
    const [endpoint] = await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId))
    if (!endpoint?.isActive) {
      // Turned off (by its owner or by failing) since the event: what waits for it is dropped.
      await deps.db.update(webhookDeliveries).set({ status: 'FAILED', nextAttemptAt: null, claimedUntil: null, lastError: 'the endpoint is disabled' })
        .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.claimedUntil, d.claimedUntil)))
      return
    }
    const result = await sendSigned(deps, endpoint, d)
    await recordAttempt(deps, d, result, { retry: true })
  } catch (e) {
    // The claim lapses and the attempt is made again: at least once, never lost.
    deps.log.warn('webhook attempt not recorded', { delivery: d.id, error: String(e) })
  }
}

/** Delivered or abandoned deliveries, and dispatched events, are kept this long. */
export const HISTORY_MS = 30 * 86_400_000
const PRUNE_EVERY_MS = 3_600_000
/** The idle pace's ceiling. */
const IDLE_POLL_MAX_MS = 10_000

export async function pruneWebhookHistory(deps: Deps): Promise<void> {
  const before = new Date(deps.now().getTime() - HISTORY_MS)
  await deps.db.delete(webhookDeliveries).where(and(ne(webhookDeliveries.status, 'PENDING'), lt(webhookDeliveries.createdAt, before)))
  await deps.db.delete(events).where(lt(events.dispatchedAt, before))
}

/**
 * Looks every WEBHOOK_POLL_MS while there is work, and ten times less often (at most every 10 s)
 * after three looks found none: an idle instance then costs almost nothing. Events written in this
 * process bring the quick pace back at once; a retry that falls due while idle waits at most the
 * idle interval. Returns a stop function that waits for the attempts under way.
 */
export function startWebhookDispatcher(deps: Deps): () => Promise<void> {
  const dispatcher = new WebhookDispatcher(deps)
  const quickMs = deps.config.webhooks.pollMs
  const idleMs = Math.max(quickMs, Math.min(IDLE_POLL_MAX_MS, quickMs * 10))
  let ticking: Promise<unknown> | null = null
  let prunedAt = 0
  let emptyLooks = 0
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let dueAt = 0
  const tick = async () => {
    const attempts = dispatcher.attempts
    const fanned = await dispatcher.tick()
    emptyLooks = fanned > 0 || dispatcher.attempts !== attempts || dispatcher.busy ? 0 : emptyLooks + 1
    if (deps.now().getTime() - prunedAt < PRUNE_EVERY_MS) return
    prunedAt = deps.now().getTime()
    await pruneWebhookHistory(deps)
  }
  const schedule = (ms: number) => {
    clearTimeout(timer)
    dueAt = Date.now() + ms
    timer = setTimeout(look, ms)
    timer.unref()
  }
  const look = () => {
    if (stopped) return
    if (ticking) return schedule(quickMs)
    ticking = tick()
      .catch((e) => deps.log.warn('webhook dispatch failed', { error: String(e) }))
      .finally(() => {
        ticking = null
        schedule(emptyLooks >= 3 ? idleMs : quickMs)
      })
  }
  const wake = () => {
    emptyLooks = 0
    if (!ticking && dueAt - Date.now() > quickMs) schedule(quickMs)
  }
  outboxWrites.addEventListener('written', wake)
  schedule(quickMs)
  return async () => {
    stopped = true
    outboxWrites.removeEventListener('written', wake)
    clearTimeout(timer)
    await ticking
    await dispatcher.stop()
  }
}
