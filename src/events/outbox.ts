// Writes domain events to the outbox table inside the caller's transaction.
import type { Tx } from '../db/client'
import { events } from '../db/schema'
import { newId } from '../shared/ids'

/** Every event Kurz announces; a webhook endpoint can subscribe to any of them. */
export const EVENT_TYPES = [
  'link.created', 'link.clicked', 'link.expired', 'link.used', 'link.deleted', 'link.disabled',
  'plan.limit_warning', 'plan.limit_reached', 'subscription.created', 'report.weekly', 'ping',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export type OutboxEvent = { userId: string | null; type: EventType; data: Record<string, unknown> }

/**
 * Told whenever this process writes events, so that an idle webhook dispatcher looks again at its
 * quick pace instead of its idle one. (Before the transaction commits: the dispatcher's next look,
 * one poll interval later, finds the events.)
 */
export const outboxWrites = new EventTarget()

export async function recordEvents(tx: Tx, list: OutboxEvent[]): Promise<void> {
  if (list.length === 0) return
  await tx.insert(events).values(list.map((e) => ({ id: newId('evt'), userId: e.userId, type: e.type, data: e.data })))
  outboxWrites.dispatchEvent(new Event('written'))
}
