// Two-factor authentication: setup stores a secret, enable proves the app has it and gives the
// recovery codes, disable needs a code too. Every accepted code moves users.totpLastStep forward,
// so a code is accepted once; a recovery code is deleted as it is accepted.
import { and, eq, isNull, lt, or } from 'drizzle-orm'
import type { Deps } from '../deps'
import { users, type UserRow } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { matchTotp, newTotpSecret, otpauthUrl } from './totp'
import { openSecret, sealSecret } from '../shared/secret-box'
import { totpSecretPlace } from '../db/seal-secrets'
import { dropRecoveryCodes, looksLikeRecoveryCode, newRecoveryCodes, useRecoveryCode } from './recovery-codes'

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
  const secret = row.totpSecret ? openSecret(deps.config.secretsKeys, row.totpSecret, totpSecretPlace(row.id)) : null
  const step = secret ? matchTotp(secret, code, deps.now().getTime(), row.totpLastStep) : null
  const claimed = step === null ? [] : await deps.db.update(users).set({ totpLastStep: step })
    .where(and(eq(users.id, row.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id })
  if (claimed.length === 0) throw new AppError('INVALID_2FA_CODE', 'The two-factor code is wrong or was already used')
}

/** A second factor: a current TOTP code, or one of the account's recovery codes (consumed). */
export async function acceptSecondFactor(deps: Deps, row: UserRow, code: string): Promise<void> {
  if (!looksLikeRecoveryCode(code)) return acceptTotp(deps, row, code)
  if (!(await useRecoveryCode(deps, row.id, code))) throw new AppError('INVALID_2FA_CODE', 'The two-factor code is wrong or was already used')
}

export async function setupTotp(deps: Deps, caller: Caller) {
  const row = await userOf(deps, caller)
  if (row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on; disable it first')
  const secret = newTotpSecret()
  const sealed = sealSecret(deps.config.secretsKeys, secret, totpSecretPlace(row.id))
  await deps.db.update(users).set({ totpSecret: sealed, totpSetupAt: deps.now(), totpLastStep: null, updatedAt: deps.now() }).where(eq(users.id, row.id))
  return { success: true as const, data: { secret, otpauthUrl: otpauthUrl(secret, row.email, 'Kurz') } }
}

export async function enableTotp(deps: Deps, caller: Caller, code: string) {
  const row = await userOf(deps, caller)
  if (row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is already on')
  if (!row.totpSecret) throw new AppError('VALIDATION_ERROR', 'Call POST /api/auth/2fa/setup first', { field: 'code' })
  await dropExpiredSetup(deps, row)
  await acceptTotp(deps, row, code)
  const recoveryCodes = await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: true, updatedAt: deps.now() }).where(eq(users.id, row.id))
    return newRecoveryCodes(tx, row.id)
  })
  return { success: true as const, data: { twoFactorEnabled: true, recoveryCodes } }
}

/** New recovery codes for a signed-in account with 2FA on; a current code (TOTP or recovery) proves it is its owner. */
export async function regenerateRecoveryCodes(deps: Deps, caller: Caller, code: string) {
  const row = await userOf(deps, caller)
  if (!row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is not on')
  await acceptSecondFactor(deps, row, code)
  const recoveryCodes = await deps.db.transaction((tx) => newRecoveryCodes(tx, row.id))
  return { success: true as const, data: { twoFactorEnabled: true, recoveryCodes } }
}

export async function disableTotp(deps: Deps, caller: Caller, code: string) {
  const row = await userOf(deps, caller)
  if (!row.totpEnabled) throw new AppError('CONFLICT', 'Two-factor authentication is not on')
  await acceptSecondFactor(deps, row, code)
  await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: false, totpSecret: null, totpSetupAt: null, totpLastStep: null, updatedAt: deps.now() })
      .where(eq(users.id, row.id))
    await dropRecoveryCodes(tx, row.id)
  })
  return { success: true as const, data: { twoFactorEnabled: false } }
}

/**
 * A secret shown at setup but never confirmed must not stay usable for ever (it may sit in a
 * screenshot or a closed tab): after TOTP_SETUP_TTL_SECONDS it is cleared and enabling fails.
 */
async function dropExpiredSetup(deps: Deps, row: UserRow): Promise<void> {
  const ttlMs = deps.config.totpSetupTtlSeconds * 1000
  if (row.totpSetupAt && deps.now().getTime() - row.totpSetupAt.getTime() <= ttlMs) return
  await deps.db.update(users).set({ totpSecret: null, totpSetupAt: null, totpLastStep: null, updatedAt: deps.now() })
    .where(and(eq(users.id, row.id), eq(users.totpEnabled, false)))
  const minutes = Math.round(ttlMs / 60_000)
  throw new AppError('VALIDATION_ERROR', `The two-factor setup expired (it must be confirmed within ${minutes} minutes); call POST /api/auth/2fa/setup again`, { field: 'code' })
}
