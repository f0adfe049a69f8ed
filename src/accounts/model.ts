// Request and response schemas of the accounts API, and the row → API mappers.
import { t, type Static } from 'elysia'
import type { UserRow } from '../db/schema'
import { ok } from '../shared/envelope'

const email = t.String({ format: 'email', maxLength: 254 })
const password = t.String({ minLength: 8, maxLength: 256 })
const token = t.String({ minLength: 1, maxLength: 256 })
const code = t.String({ minLength: 1, maxLength: 12 })

export const registerBody = t.Object({ email, password, name: t.Optional(t.Nullable(t.String({ maxLength: 100 }))) })
export type RegisterInput = Static<typeof registerBody>
export const verifyBody = t.Object({ token })
export const loginBody = t.Object({
  email: t.String({ minLength: 1, maxLength: 254 }),
  password: t.String({ minLength: 1, maxLength: 256 }),
  code: t.Optional(t.Nullable(code)),
})
export type LoginInput = Static<typeof loginBody>
export const forgotBody = t.Object({ email: t.String({ minLength: 1, maxLength: 254 }) })
export const resetBody = t.Object({
  token,
  password,
  revokeKeys: t.Optional(t.Boolean({ description: 'Also revoke every API key of the account (after a compromise)' })),
})
export const codeBody = t.Object({ code })
export const changePasswordBody = t.Object({ currentPassword: t.String({ minLength: 1, maxLength: 256 }), password })

const role = t.UnionEnum(['USER', 'ADMIN'])

export const user = t.Object({
  id: t.String(),
  email: t.String(),
  name: t.Nullable(t.String()),
  role,
  plan: t.String(),
  emailVerified: t.Boolean(),
  twoFactorEnabled: t.Boolean(),
  createdAt: t.String(),
})
export type User = Static<typeof user>

export const sessionUser = t.Object({ id: t.String(), email: t.String(), name: t.Nullable(t.String()), role, emailVerified: t.Boolean() })

const message = t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() })

export const responses = {
  user: ok(t.Object({ user })),
  session: t.Object({
    success: t.Literal(true),
    data: t.Object({ token: t.String(), user: sessionUser }),
    token: t.String(),
    user: sessionUser,
  }),
  message,
  reset: t.Object({ success: t.Literal(true), data: t.Object({ keysRevoked: t.Number() }), message: t.String() }),
  totpSetup: ok(t.Object({ secret: t.String(), otpauthUrl: t.String() })),
  twoFactor: ok(t.Object({ twoFactorEnabled: t.Boolean() })),
  recoveryCodes: ok(t.Object({
    twoFactorEnabled: t.Boolean(),
    recoveryCodes: t.Array(t.String(), {
      description: 'Ten single-use codes, shown this once: each signs in (as `code`) in place of a TOTP code',
      examples: [['k3m9q-x7p2a', 'b4n8r-c2w6y']],
    }),
  })),
  me: ok(t.Object({
    id: t.String(),
    email: t.String(),
    name: t.Nullable(t.String()),
    role,
    emailVerified: t.Boolean(),
    twoFactorEnabled: t.Boolean(),
    plan: t.Object({
      name: t.String(), linkLimit: t.Number(), clickLimit: t.Number(), rateLimitPerMinute: t.Number(), priceMonthly: t.Number(),
      accountRateLimitPerMinute: t.Number(), keyLimit: t.Number(), domainLimit: t.Number(), bulkLimit: t.Number(), typedLinks: t.Boolean(),
    }),
    usage: t.Object({
      linksUsed: t.Number(), linksRemaining: t.Number(), clicksUsed: t.Number(), clicksRemaining: t.Number(),
      periodStart: t.String(), periodEnd: t.String(), keysUsed: t.Number(), domainsUsed: t.Number(),
    }),
  })),
}

/** Picks the API fields one by one: no hash or TOTP secret ever leaves. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    plan: row.plan,
    emailVerified: row.emailVerified,
    twoFactorEnabled: row.totpEnabled,
    createdAt: row.createdAt.toISOString(),
  }
}

export const toSessionUser = (row: UserRow) =>
  ({ id: row.id, email: row.email, name: row.name, role: row.role, emailVerified: row.emailVerified })
