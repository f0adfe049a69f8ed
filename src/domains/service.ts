// Custom domains: register, list, verify by a DNS TXT record. Deleting one is in delete-domain.ts.
import { and, asc, count, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { domains } from '../db/schema'
import { lockAccount } from '../db/client'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { newId, randomBase62 } from '../shared/ids'
import { normalizeHostname } from './hostname'
import { createTxtLookup } from './dns'
import { toDomain, verificationRecords, type CreateDomainInput } from './model'

export async function createDomain(deps: Deps, caller: Caller, input: CreateDomainInput) {
  const hostname = normalizeHostname(input.hostname, deps.config.shortHost)
  const limit = caller.plan.domainLimit
  if (limit <= 0) throw new AppError('FORBIDDEN', `Custom domains are not part of the ${caller.plan.name} plan`, { field: 'hostname' })
  const row = await deps.db.transaction(async (tx) => {
    await lockAccount(tx, caller.userId)
    const [{ used }] = await tx.select({ used: count() }).from(domains).where(eq(domains.userId, caller.userId))
    if (Number(used) >= limit)
      throw new AppError('FORBIDDEN', `The ${caller.plan.name} plan allows ${limit} custom domain${limit === 1 ? '' : 's'}`, { field: 'hostname', limit })
    const [row] = await tx.insert(domains).values({
      id: newId('dom'), userId: caller.userId, hostname, verificationToken: `kurz-verify=${randomBase62(32)}`,
      isVerified: false, createdAt: deps.now(),
    }).onConflictDoNothing().returning()
    // Unique across accounts; the answer is the same whoever holds it.
    if (!row) throw new AppError('CONFLICT', `${hostname} is already registered`, { field: 'hostname', hostname })
    return row
  })
  return { success: true as const, data: toDomain(row) }
}

export async function listDomains(deps: Deps, caller: Caller) {
  const rows = await deps.db.select().from(domains).where(eq(domains.userId, caller.userId)).orderBy(asc(domains.createdAt), asc(domains.id))
  return { success: true as const, data: rows.map(toDomain) }
}

/** Another account's domain is "not found": never reveal that it exists. */
export async function findOwnDomain(deps: Deps, caller: Caller, id: string) {
  const [row] = await deps.db.select().from(domains).where(and(eq(domains.id, id), eq(domains.userId, caller.userId)))
  if (!row) throw new AppError('NOT_FOUND', 'Domain not found', { id })
  return row
}

export async function getDomain(deps: Deps, caller: Caller, id: string) {
  return { success: true as const, data: toDomain(await findOwnDomain(deps, caller, id)) }
}

/** Looks for the token at the hostname and at _kurz.<hostname>; 400 with what was found when absent. */
export async function verifyDomain(deps: Deps, caller: Caller, id: string) {
  const row = await findOwnDomain(deps, caller, id)
  if (row.isVerified) return { success: true as const, data: toDomain(row) }
  const names = verificationRecords(row.hostname)
  const found = await createTxtLookup(deps.config.dnsServers)(names)
  if (!found.some((f) => f.records.some((r) => r.trim() === row.verificationToken)))
    throw new AppError('VALIDATION_ERROR', `No TXT record "${row.verificationToken}" at ${names.join(' or ')} yet`, {
      field: 'hostname', reason: 'DNS_TXT_NOT_FOUND', expected: row.verificationToken, found,
    })
  const [verified] = await deps.db.update(domains).set({ isVerified: true, verifiedAt: deps.now() })
    .where(eq(domains.id, row.id)).returning()
  if (!verified) throw new AppError('NOT_FOUND', 'Domain not found', { id })
  // This instance serves the host at once; the others reload when the bus tells them.
  await deps.domains.reload()
  deps.domains.changed()
  return { success: true as const, data: toDomain(verified) }
}
