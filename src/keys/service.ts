// API keys: create (shown once, up to the plan's keyLimit), list (masked), revoke and regenerate (effective at once on every
// instance through CallerCache.evictKey), and per-day usage from the batched recorder.
import { and, asc, count, desc, eq, gte } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { apiKeys, apiKeyUsage } from '../db/schema'
import { AppError } from '../errors'
import { lockAccount } from '../db/client'
import type { Caller } from '../auth/caller'
import { sha256Hex } from '../shared/ids'
import { generateApiKey, insertApiKey, keyPreview } from './secret'
import { toKey, toKeyWithSecret } from './model'

const USAGE_DAYS = 30

/** Bounded by the plan's keyLimit: each key has its own rate limit, and keys must not pile up unseen. */
export async function createKey(deps: Deps, caller: Caller, name: string) {
  const limit = caller.plan.keyLimit
  const { row, key } = await deps.db.transaction(async (tx) => {
    await lockAccount(tx, caller.userId)
    const [{ n }] = await tx.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, caller.userId))
    if (n >= limit)
      throw new AppError('FORBIDDEN', `The ${caller.plan.name} plan allows ${limit} API key${limit === 1 ? '' : 's'}; revoke one first`, { limit })
    return insertApiKey(tx, caller.userId, name.trim() || 'key')
  })
  return { success: true as const, data: toKeyWithSecret(row, key) }
}

export async function listKeys(deps: Deps, caller: Caller) {
  await deps.keyUsage.flush() // so that lastUsedAt includes this instance's recent use
  const rows = await deps.db.select().from(apiKeys).where(eq(apiKeys.userId, caller.userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
  return { success: true as const, data: rows.map(toKey) }
}

export async function deleteKey(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.delete(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, caller.userId)))
    .returning({ keyHash: apiKeys.keyHash })
  if (!row) throw new AppError('NOT_FOUND', 'API key not found', { id })
  deps.callers.evictKey(row.keyHash)
  return { success: true as const, data: null, message: 'API key revoked' }
}

/** Revokes every key of the caller's account (the one calling included), effective at once everywhere. */
export async function revokeAllKeys(deps: Deps, caller: Caller) {
  const revoked = await revokeKeysOf(deps.db, caller.userId)
  evictKeys(deps, revoked)
  return { success: true as const, data: { revoked: revoked.length } }
}

/** Deletes the account's keys in `tx`; hand the result to evictKeys once the transaction committed. */
export const revokeKeysOf = (tx: Tx, userId: string) =>
  tx.delete(apiKeys).where(eq(apiKeys.userId, userId)).returning({ keyHash: apiKeys.keyHash })

export function evictKeys(deps: Deps, revoked: { keyHash: string }[]) {
  const { callers } = deps
  for (const { keyHash } of revoked) callers.evictKey(keyHash)
}

export async function regenerateKey(deps: Deps, caller: Caller, id: string) {
  const key = generateApiKey()
  const { old, row } = await deps.db.transaction(async (tx) => {
    const [old] = await tx.select({ keyHash: apiKeys.keyHash }).from(apiKeys)
      .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, caller.userId))).for('update')
    if (!old) throw new AppError('NOT_FOUND', 'API key not found', { id })
    const [row] = await tx.update(apiKeys).set({ keyHash: sha256Hex(key), keyPreview: keyPreview(key) })
      .where(eq(apiKeys.id, id)).returning()
    return { old, row }
  })
  deps.callers.evictKey(old.keyHash)
  return { success: true as const, data: toKeyWithSecret(row, key) }
}

export async function keyUsage(deps: Deps, caller: Caller, id: string) {
  const [key] = await deps.db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, caller.userId)))
  if (!key) throw new AppError('NOT_FOUND', 'API key not found', { id })
  await deps.keyUsage.flush()
  const today = Date.UTC(...ymd(deps.now()))
  const first = new Date(today - (USAGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10)
  const rows = await deps.db.select({ day: apiKeyUsage.day, requests: apiKeyUsage.requests }).from(apiKeyUsage)
    .where(and(eq(apiKeyUsage.keyId, id), gte(apiKeyUsage.day, first))).orderBy(asc(apiKeyUsage.day))
  const byDay = new Map(rows.map((r) => [r.day, Number(r.requests)]))
  const days = Array.from({ length: USAGE_DAYS }, (_, i) => {
    const date = new Date(today - (USAGE_DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10)
    return { date, requests: byDay.get(date) ?? 0 }
  })
  return { success: true as const, data: { id, days, total: days.reduce((s, d) => s + d.requests, 0) } }
}

const ymd = (d: Date) => [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()] as const
