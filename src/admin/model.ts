// Schemas of the admin user routes, and the row → API mapper (no hash, no TOTP secret).
import { t, type Static } from 'elysia'
import type { UserRow } from '../db/schema'
import { ok, page, pagingQuery } from '../shared/envelope'

export const listQuery = t.Object({
  ...pagingQuery,
  search: t.Optional(t.String({ maxLength: 254 })),
})
export type ListUsersQuery = Static<typeof listQuery>

export const idParams = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })
export const updateBody = t.Object({
  plan: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  blocked: t.Optional(t.Boolean()),
})
export type UpdateUserInput = Static<typeof updateBody>

const adminUser = t.Object({
  id: t.String(),
  email: t.String(),
  name: t.Nullable(t.String()),
  role: t.UnionEnum(['USER', 'ADMIN']),
  plan: t.String(),
  blocked: t.Boolean(),
  emailVerified: t.Boolean(),
  twoFactorEnabled: t.Boolean(),
  createdAt: t.String(),
})

export const responses = { list: page(adminUser), one: ok(adminUser) }

export const toAdminUser = (row: UserRow) => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  plan: row.plan,
  blocked: row.blocked,
  emailVerified: row.emailVerified,
  twoFactorEnabled: row.totpEnabled,
  createdAt: row.createdAt.toISOString(),
})
