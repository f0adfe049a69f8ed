// Administration of accounts: list them, set a plan (fires subscription.created) or the blocked
// flag; either change reaches every instance at once through CallerCache.evictUser.
import { asc, count, eq, ilike, or } from 'drizzle-orm'
import type { Deps } from '../deps'
import { users } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { recordEvents } from '../events/outbox'
import { pageOf, paging } from '../shared/envelope'
import { toAdminUser, type ListUsersQuery, type UpdateUserInput } from './model'

export async function listUsers(deps: Deps, query: ListUsersQuery) {
  const p = paging(query)
  const term = query.search?.trim()
  // The term is matched literally: % and _ in it are not wildcards, in the email or the name.
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : ''
  const where = term ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined
  const [rows, [{ total }]] = await Promise.all([
    deps.db.select().from(users).where(where).orderBy(asc(users.createdAt), asc(users.id)).limit(p.size).offset(p.offset),
    deps.db.select({ total: count() }).from(users).where(where),
  ])
  return pageOf(rows.map(toAdminUser), Number(total), p)
}

export async function updateUser(deps: Deps, admin: Caller, id: string, input: UpdateUserInput) {
  const plan = input.plan === undefined ? undefined : deps.config.plans.find((p) => p.name.toLowerCase() === input.plan!.toLowerCase())
  if (input.plan !== undefined && !plan)
    throw new AppError('VALIDATION_ERROR', `plan must be one of ${deps.config.plans.map((p) => p.name).join(', ')}`, { field: 'plan' })
  if (input.blocked === true && id === admin.userId)
    throw new AppError('VALIDATION_ERROR', 'An administrator cannot block their own account', { field: 'blocked' })
  const now = deps.now()
  const row = await deps.db.transaction(async (tx) => {
    const [before] = await tx.select({ plan: users.plan }).from(users).where(eq(users.id, id)).for('update')
    if (!before) throw new AppError('NOT_FOUND', 'User not found', { id })
    const [row] = await tx.update(users)
      .set({ ...(plan ? { plan: plan.name } : {}), ...(input.blocked !== undefined ? { blocked: input.blocked } : {}), updatedAt: now })
      .where(eq(users.id, id)).returning()
    if (plan && plan.name !== before.plan)
      await recordEvents(tx, [{
        userId: id,
        type: 'subscription.created',
        data: { plan: plan.name, previousPlan: before.plan, amount: plan.priceMonthly, interval: 'month', startedAt: now.toISOString() },
      }])
    return row
  })
  deps.callers.evictUser(id)
  return { success: true as const, data: toAdminUser(row) }
}
