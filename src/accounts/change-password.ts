// Change password while signed in: the current password proves the person at the keyboard is the
// owner (a stolen session alone cannot lock them out), and every session issued before ends.
import { eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { users } from '../db/schema'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { hashPassword } from './service'
import { checkLoginAttempt } from './login-limits'

export async function changePassword(deps: Deps, caller: Caller, input: { currentPassword: string; password: string }, ip: string) {
  if (caller.keyId !== null) throw new AppError('FORBIDDEN', 'The password is changed when signed in (a JWT), not with an API key')
  const [row] = await deps.db.select().from(users).where(eq(users.id, caller.userId))
  if (!row) throw new AppError('UNAUTHORIZED', 'The account no longer exists')
  // Guessing the current password through a session counts against the login limits.
  await checkLoginAttempt(deps, ip, row.email)
  const matches = row.passwordHash ? await Bun.password.verify(input.currentPassword, row.passwordHash).catch(() => false) : false
  if (!matches) throw new AppError('VALIDATION_ERROR', 'The current password is wrong', { field: 'currentPassword' })
  if (input.currentPassword === input.password) throw new AppError('VALIDATION_ERROR', 'The new password must differ from the current one', { field: 'password' })
  const now = deps.now()
  await deps.db.update(users).set({ passwordHash: await hashPassword(input.password), tokensValidAfter: now, updatedAt: now }).where(eq(users.id, row.id))
  deps.callers.evictUser(row.id)
  return { success: true as const, data: null, message: 'Password changed; sign in again with the new one' }
}
