// Accounts: register, verify email, log in. Logins answer alike for an unknown email and a wrong
// password; registration says EMAIL_TAKEN (a newcomer must learn that their password was not kept).
import { count, eq } from 'drizzle-orm'
import type { Deps } from '../deps'
import { withXactLock } from '../db/client'
import { ADVISORY_LOCKS } from '../db/advisory-locks'
import { users, type UserRow } from '../db/schema'
import { AppError } from '../errors'
import { newId } from '../shared/ids'
import { consumeEmailToken, issueEmailToken } from './email-tokens'
import { checkLoginAttempt, checkRegisterAttempt, firstThisHour } from './login-limits'
import { acceptSecondFactor } from './two-factor'
import { toSessionUser, toUser, type LoginInput, type RegisterInput } from './model'
import { takenMail, verifyMail } from './mails'

const ACCOUNTS_LOCK = ADVISORY_LOCKS.accounts

export const normalEmail = (email: string) => email.trim().toLowerCase()
export const hashPassword = (password: string) => Bun.password.hash(password, 'argon2id')
// Checked when the email is unknown, so that both cases take an argon2 verification's time.
let dummyHash: Promise<string> | null = null

export async function register(deps: Deps, input: RegisterInput, ip: string) {
  await checkRegisterAttempt(deps, ip)
  const email = normalEmail(input.email)
  const now = deps.now()
  // A taken address is refused before the argon2 hash: the answer says so anyway.
  const [taken] = await deps.db.select({ id: users.id }).from(users).where(eq(users.email, email))
  const passwordHash = taken ? null : await hashPassword(input.password)
  const { plans, admin } = deps.config
  const created = passwordHash === null ? null : await withXactLock(deps.db, ACCOUNTS_LOCK, async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(users)
    const isAdmin = n === 0 || email === admin.email
    const [row] = await tx.insert(users).values({
      id: newId('usr'), email, name: input.name ?? null, passwordHash, role: isAdmin ? 'ADMIN' : 'USER',
      plan: (isAdmin ? plans[plans.length - 1] : plans[0]).name, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning()
    if (!row) return null
    return { row, token: await issueEmailToken(tx, row.id, 'verify_email', now) }
  })
  const mailer = deps.mailer
  if (!created) {
    // The owner hears of it (a probe of their address, or a forgotten account), once an hour at most.
    if (await firstThisHour(deps, `register:taken:${email}`)) mailer.send(takenMail(deps, email))
    throw new AppError('EMAIL_TAKEN', 'An account with this email already exists: sign in, or use forgot-password', { field: 'email' })
  }
  mailer.send(verifyMail(deps, email, created.token))
  return { success: true as const, data: { user: toUser(created.row) } }
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
    await acceptSecondFactor(deps, row, input.code)
  }
  await deps.knownAddresses.remember(email, ip)
  const token = await deps.tokens.sign(row.id, row.role, deps.now().getTime())
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
