// A custom domain's fallbacks (smart links): expiredUrl for its expired or used-up links (unless the
// link has its own) and notFoundUrl for unknown slugs, each a checked destination instead of the
// 410/404. Every instance reloads them with the domain set.
import { eq } from 'drizzle-orm'
import { t, type Static } from 'elysia'
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import { domains } from '../db/schema'
import { AppError } from '../errors'
import { checkDestination } from '../links/destination'
import { destinationPolicy } from '../links/service'
import { findOwnDomain } from './service'
import { toDomain } from './model'

const fallbackUrl = (what: string, example: string) => t.Optional(t.Nullable(t.String({
  description: `Where visitors of ${what} on this domain go instead of the error page; null removes it`, examples: [example],
})))

export const updateBody = t.Object({
  expiredUrl: fallbackUrl('expired or used-up links (a link\'s own expiredUrl comes first)', 'https://example.com/expired'),
  notFoundUrl: fallbackUrl('unknown slugs', 'https://example.com/'),
})
export type UpdateDomainInput = Static<typeof updateBody>

export async function updateDomain(deps: Deps, caller: Caller, id: string, input: UpdateDomainInput) {
  const row = await findOwnDomain(deps, caller, id)
  const changes: Partial<typeof domains.$inferInsert> = {}
  for (const field of ['expiredUrl', 'notFoundUrl'] as const) {
    const value = input[field]
    if (value !== undefined) changes[field] = value === null ? null : checkDestination(value, destinationPolicy(deps), field)
  }
  if (Object.keys(changes).length === 0)
    throw new AppError('VALIDATION_ERROR', 'Nothing to change: give expiredUrl or notFoundUrl', { field: 'body' })
  const [updated] = await deps.db.update(domains).set(changes).where(eq(domains.id, row.id)).returning()
  if (!updated) throw new AppError('NOT_FOUND', 'Domain not found', { id })
  await deps.domains.reload()
  deps.domains.changed()
  return { success: true as const, data: toDomain(updated) }
}
