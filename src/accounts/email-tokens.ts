// One-time email tokens: random, stored only as a hash, consumed by one atomic DELETE … RETURNING.
import { and, eq, gt } from 'drizzle-orm'
import type { Tx } from '../db/client'
import { accountTokens } from '../db/schema'
import { randomBase62, sha256Hex } from '../shared/ids'

export type TokenPurpose = 'verify_email' | 'reset_password'

const LIFETIME_MS: Record<TokenPurpose, number> = { verify_email: 48 * 3_600_000, reset_password: 3_600_000 }

export async function issueEmailToken(tx: Tx, userId: string, purpose: TokenPurpose, now: Date): Promise<string> {
  const token = randomBase62(40)
  await tx.insert(accountTokens).values({
    tokenHash: sha256Hex(token), userId, purpose, expiresAt: new Date(now.getTime() + LIFETIME_MS[purpose]),
  })
  return token
}

/** The token's account, once: a second use, an expired token or another purpose gives null. */
export async function consumeEmailToken(tx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<string | null> {
  const [row] = await tx.delete(accountTokens)
    .where(and(eq(accountTokens.tokenHash, sha256Hex(token)), eq(accountTokens.purpose, purpose), gt(accountTokens.expiresAt, now)))
    .returning({ userId: accountTokens.userId })
  return row?.userId ?? null
}

export async function dropEmailTokens(tx: Tx, userId: string, purpose: TokenPurpose) {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)))
}
