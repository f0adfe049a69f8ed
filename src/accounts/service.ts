// Accounts: register, verify email, log in, forgot and reset password. No answer reveals whether
// an email is registered: the same status, the same shape, and the mail goes out in the background.
import { count, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { withXactLock } from '../db/client'
import { ADVISORY_LOCKS } from '../db/advisory-locks'
import { users, type UserRow } from '../db/schema'
import { AppError } from '../errors'
import { newId } from '../shared/ids'
import { authContext } from '../auth/context'
import { mailerFor } from '../mail/mailer'
import { consumeEmailToken, dropEmailTokens, issueEmailToken } from './email-tokens'
import { checkLoginAttempt } from './login-limits'
import { acceptTotp } from './two-factor'
import { toSessionUser, toUser, type LoginInput, type RegisterInput } from './model'
import { resetMail, takenMail, verifyMail } from './mails'

const ACCOUNTS_LOCK = ADVISORY_LOCKS.accounts

const normalEmail = (email: string) => email.trim().toLowerCase()
const hashPassword = (password: string) => Bun.password.hash(password, 'argon2id')
// Checked when the email is unknown, so that both cases take an argon2 verification's time.
let dummyHash: Promise<string> | null = null

export async function register(deps: Deps, input: RegisterInput) {
  const email = normalEmail(input.email)
  const now = deps.now()
  const passwordHash = await hashPassword(input.password)
  const { plans, admin } = deps.config
  const created = await withXactLock(deps.db, ACCOUNTS_LOCK, async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(users)
    const isAdmin = n === 0 || email === admin.email
    const [row] = await tx.insert(users).values({
      id: newId('usr'), email, name: input.name ?? null, passwordHash, role: isAdmin ? 'ADMIN' : 'USER',
      plan: (isAdmin ? plans[plans.length - 1] : plans[0]).name, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning()
    if (!row) return null
    return { row, token: await issueEmailToken(tx, row.id, 'verify_email', now) }
  })
  const mailer = mailerFor(deps.config, deps.log)
  if (!created) {
    // Already registered: answer as if it were new, and tell the owner instead of the caller.
    mailer.send(takenMail(deps, email))
    return { success: true as const, data: { user: phantomUser(deps, email, input.name ?? null, now) } }
  }
  mailer.send(verifyMail(deps, email, created.token))
  return { success: true as const, data: { user: toUser(created.row) } }
}

function phantomUser(deps: Deps, email: string, name: string | null, now: Date) {
  return {
    id: newId('usr'), email, name, role: 'USER' as const, plan: deps.config.plans[0].name,
    emailVerified: false, twoFactorEnabled: false, createdAt: now.toISOString(),
  }
}

export async function verifyEmail(deps: Deps, token: string) {
  const row = await deps.db.transaction(async (tx) => {
    const userId = await consumeEmailToken(tx, token, 'verify_email', deps.now())
    if (!userId) throw new AppError('VALIDATION_ERROR', 'The verification token is invalid, used or expired', { field: 'token' })
    const [row] = await tx.update(users).set({ emailVerified: true, updatedAt: deps.now() }).where(eq(users.id, userId)).returning()
    return row
  })
  return { success: true as const, data: { user: toUser(row) } }
}

export async function login(deps: Deps, input: LoginInput, ip: string) {
  const email = normalEmail(input.email)
  await checkLoginAttempt(deps, ip, email)
  const [row] = await deps.db.select().from(users).where(eq(users.email, email))
  if (!(await passwordMatches(row, input.password))) throw new AppError('UNAUTHORIZED', 'Wrong email or password')
  if (row.blocked) throw new AppError('ACCOUNT_BLOCKED', 'This account is blocked')
  if (row.totpEnabled) {
    if (!input.code) throw new AppError('NEEDS_2FA', 'This account uses two-factor authentication: send `code`', { error: 'needs_2fa' })
    await acceptTotp(deps, row, input.code)
  }
  const token = await authContext(deps).tokens.sign(row.id, row.role, deps.now().getTime())
  const user = toSessionUser(row)
  return { success: true as const, data: { token, user }, token, user }
}

async function passwordMatches(row: UserRow | undefined, password: string): Promise<boolean> {
  if (!row?.passwordHash) {
    dummyHash ??= hashPassword('not-a-password-of-anyone')
    await Bun.password.verify(password, await dummyHash).catch(() => false)
    return false
  }
  return Bun.password.verify(password, row.passwordHash).catch(() => false)
}

export async function forgotPassword(deps: Deps, rawEmail: string) {
  const email = normalEmail(rawEmail)
  const [row] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, email))
  if (row) {
    const token = await issueEmailToken(deps.db, row.id, 'reset_password', deps.now())
    mailerFor(deps.config, deps.log).send(resetMail(deps, email, token))
  }
  return { success: true as const, data: null, message: 'If an account uses this address, a reset link is on its way' }
}

export async function resetPassword(deps: Deps, token: string, password: string) {
  const passwordHash = await hashPassword(password)
  const now = deps.now()
  const userId = await deps.db.transaction(async (tx) => {
    const userId = await consumeEmailToken(tx, token, 'reset_password', now)
    if (!userId) throw new AppError('VALIDATION_ERROR', 'The reset token is invalid, used or expired', { field: 'token' })
    // The mail proved the address; tokensValidAfter logs out every session issued before now.
    await tx.update(users).set({ passwordHash, tokensValidAfter: now, emailVerified: true, updatedAt: now }).where(eq(users.id, userId))
    await dropEmailTokens(tx, userId, 'reset_password')
    return userId
  })
  authContext(deps).callers.evictUser(userId)
  return { success: true as const, data: null, message: 'Password changed; log in again' }
}
