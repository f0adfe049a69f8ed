// Forgot and reset password. The forgot answer never depends on the account: it is given after the
// limits alone, and the lookup, the token and the mail happen in the background, so neither its
// body nor its time tells a registered address from another.
import { desc, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { apiKeys, users } from '../db/schema'
import { AppError } from '../errors'
import { evictKeys, revokeKeysOf } from '../keys/service'
import { consumeEmailToken, dropEmailTokens, issueEmailToken } from './email-tokens'
import { checkForgotAttempt } from './login-limits'
import { inBackground } from './background'
import { resetMail } from './mails'
import { hashPassword, normalEmail } from './service'

export async function forgotPassword(deps: Deps, rawEmail: string, ip: string) {
  const email = normalEmail(rawEmail)
  await checkForgotAttempt(deps, ip, email)
  inBackground(deps, 'send a password reset mail', () => sendResetMail(deps, email))
  return { success: true as const, data: null, message: 'If an account uses this address, a reset link is on its way' }
}

async function sendResetMail(deps: Deps, email: string) {
  const [row] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, email))
  if (!row) return
  await deps.keyUsage.flush() // so that the listed last uses include this instance's
  const keys = await deps.db.select({ name: apiKeys.name, keyPreview: apiKeys.keyPreview, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys).where(eq(apiKeys.userId, row.id)).orderBy(desc(apiKeys.createdAt))
  const token = await issueEmailToken(deps.db, row.id, 'reset_password', deps.now())
  deps.mailer.send(resetMail(deps, email, token, keys))
}

/** New password; every JWT issued before is invalid, and with `revokeKeys` every API key too. */
export async function resetPassword(deps: Deps, input: { token: string; password: string; revokeKeys?: boolean }) {
  const passwordHash = await hashPassword(input.password)
  const now = deps.now()
  const { userId, revoked } = await deps.db.transaction(async (tx) => {
    const userId = await consumeEmailToken(tx, input.token, 'reset_password', now)
    if (!userId) throw new AppError('VALIDATION_ERROR', 'The reset token is invalid, used or expired', { field: 'token' })
    // The mail proved the address; tokensValidAfter logs out every session issued before now.
    await tx.update(users).set({ passwordHash, tokensValidAfter: now, emailVerified: true, updatedAt: now }).where(eq(users.id, userId))
    await dropEmailTokens(tx, userId, 'reset_password')
    return { userId, revoked: input.revokeKeys ? await revokeKeysOf(tx, userId) : [] }
  })
  deps.callers.evictUser(userId)
  evictKeys(deps, revoked)
  const keys = input.revokeKeys ? `; ${revoked.length} API key(s) revoked` : ''
  return { success: true as const, data: { keysRevoked: revoked.length }, message: `Password changed; log in again${keys}` }
}
