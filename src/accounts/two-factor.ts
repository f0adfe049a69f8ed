// Two-factor authentication: setup stores a secret, enable proves the app has it, disable needs a
// code too. Every accepted code moves users.totpLastStep forward, so a code is accepted once.
import { and, eq, isNull, lt, or } from 'drizzle-orm'
import type { Deps } from '../deps'
import { users, type UserRow } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { matchTotp, newTotpSecret, otpauthUrl } from './totp'

/**
 * The account signed in with its password (a JWT), never an API key: 2FA guards that login, and a
 * key (possibly a script's, or leaked) must not be able to lock the owner out of it.
 */
async function userOf(deps: Deps, caller: Caller): Promise<UserRow> {
  if (caller.keyId !== null) throw new AppError('FORBIDDEN', 'Two-factor authentication is managed when signed in (a JWT), not with an API key')
  const [row] = await deps.db.select().from(users).where(eq(users.id, caller.userId))
  if (!row) throw new AppError('UNAUTHORIZED', 'The account no longer exists')
  return row
}

/** Checks a code against the user's secret and claims its time step atomically. */
export async function acceptTotp(deps: Deps, row: UserRow, code: string): Promise<void> {
  const step = row.totpSecret ? matchTotp(row.totpSecret, code, deps.now().getTime(), row.totpLastStep) : null
  const claimed = step === null ? [] : await deps.db.update(users).set({ totpLastStep: step })
    .where(and(eq(users.id, row.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id })
  if (claimed.length === 0) throw new AppError('INVALID_2FA_CODE', 'The two-factor code is wrong or was already used')
}

export async function setupTotp(deps: Deps, caller: Caller) {
  const row = await userOf(deps, caller)
  if (row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on; disable it first')
  const secret = newTotpSecret()
  await deps.db.update(users).set({ totpSecret: secret, totpLastStep: null, updatedAt: deps.now() }).where(eq(users.id, row.id))
  return { success: true as const, data: { secret, otpauthUrl: otpauthUrl(secret, row.email, 'Kurz') } }
}

export async function enableTotp(deps: Deps, caller: Caller, code: string) {
  const row = await userOf(deps, caller)
  if (row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on')
  if (!row.totpSecret) throw new AppError('VALIDATION_ERROR', 'Call POST /api/auth/2fa/setup first', { field: 'code' })
  await acceptTotp(deps, row, code)
  await deps.db.update(users).set({ totpEnabled: true, updatedAt: deps.now() }).where(eq(users.id, row.id))
  return { success: true as const, data: { twoFactorEnabled: true } }
}

export async function disableTotp(deps: Deps, caller: Caller, code: string) {
  const row = await userOf(deps, caller)
  if (!row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is not on')
  await acceptTotp(deps, row, code)
  await deps.db.update(users).set({ totpEnabled: false, totpSecret: null, totpLastStep: null, updatedAt: deps.now() })
    .where(eq(users.id, row.id))
  return { success: true as const, data: { twoFactorEnabled: false } }
}
