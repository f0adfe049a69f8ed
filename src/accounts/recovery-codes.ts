// 2FA recovery codes: ten single-use codes given when 2FA is turned on (and again on demand), each
// standing in for one TOTP code when the authenticator app is lost. Only their SHA-256 is stored
// (they carry 50 random bits, so a fast hash is enough); a code is consumed by the one statement
// that deletes it, so it never works twice, even for two logins at once.
import { createHash, randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import type { Tx } from '../db/client'
import { recoveryCodes } from '../db/schema'
import { base32Encode } from './totp'

export const RECOVERY_CODES = 10

/** `abcde-fghij`: ten base32 characters (50 bits), lower case, in two groups. */
function newCode(): string {
  const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase()
  return `${text.slice(0, 5)}-${text.slice(5)}`
}

/** What a person may type: any case, with or without the dash and spaces. */
const normal = (code: string) => code.toLowerCase().replace(/[\s-]/g, '')
const hashOf = (code: string) => createHash('sha256').update(normal(code)).digest('hex')

/** A TOTP code is six digits; anything else offered as a second factor is taken for a recovery code. */
export const looksLikeRecoveryCode = (code: string) => normal(code).length === 10 && !/^\d+$/.test(code.trim())

/** Replaces the user's codes with ten new ones; answers them (the only time they are seen). */
export async function newRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newCode)
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
  await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: hashOf(c) })))
  return codes
}

/** Consumes the code when it is one of the user's; false otherwise. */
export async function useRecoveryCode(deps: Deps, userId: string, code: string): Promise<boolean> {
  const used = await deps.db.delete(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashOf(code))))
    .returning({ userId: recoveryCodes.userId })
  return used.length === 1
}

export const dropRecoveryCodes = (tx: Tx, userId: string) => tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
