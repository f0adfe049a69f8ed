// A link's status history, read from the outbox (the events every status change writes in its
// transaction). Re-enabling writes no event, so the history lists the changes away from ACTIVE.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { events } from '../db/schema'
import { findOwnLink } from '../links/service'

type Status = 'ACTIVE' | 'EXPIRED' | 'USED' | 'DISABLED'
type Entry = { at: string; event: 'created' | 'disabled' | 'expired' | 'used'; status: Status; reason: string | null }

const STATUS_OF = { 'link.created': 'ACTIVE', 'link.disabled': 'DISABLED', 'link.expired': 'EXPIRED', 'link.used': 'USED' } as const
const TYPES = Object.keys(STATUS_OF) as (keyof typeof STATUS_OF)[]
const LIMIT = 200

export async function linkHistory(deps: Deps, caller: Caller, idOrSlug: string) {
  const row = await findOwnLink(deps, caller, idOrSlug)
  const list = await deps.db.select({ type: events.type, data: events.data, createdAt: events.createdAt }).from(events)
    .where(and(eq(events.userId, caller.userId), inArray(events.type, TYPES), sql`${events.data}->>'id' = ${row.id}`))
    .orderBy(asc(events.createdAt), asc(events.id)).limit(LIMIT)
  const entries: Entry[] = [{ at: row.createdAt.toISOString(), event: 'created', status: 'ACTIVE', reason: null }]
  for (const e of list) {
    if (e.type === 'link.created') continue
    const type = e.type as Exclude<keyof typeof STATUS_OF, 'link.created'>
    const reason = (e.data as { reason?: unknown }).reason
    entries.push({ at: e.createdAt.toISOString(), event: type.slice(5) as Entry['event'], status: STATUS_OF[type], reason: typeof reason === 'string' ? reason : null })
  }
  return { success: true as const, data: { status: row.status as Status, entries } }
}
