// Request and response schemas of the API keys routes, and the row → API mapper.
import { t } from 'elysia'
import type { ApiKeyRow } from '../db/schema'
import { ok } from '../shared/envelope'

export const createBody = t.Object({ name: t.String({ minLength: 1, maxLength: 100 }) })
export const idParams = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) })

const withSecret = t.Object({ id: t.String(), name: t.String(), key: t.String(), keyPreview: t.String(), createdAt: t.String() })
const listed = t.Object({
  id: t.String(), name: t.String(), keyPreview: t.String(), lastUsedAt: t.Nullable(t.String()), createdAt: t.String(),
})

export const responses = {
  created: ok(withSecret),
  list: ok(t.Array(listed)),
  deleted: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
  revokedAll: ok(t.Object({ revoked: t.Number({ description: 'How many keys were revoked' }) })),
  usage: ok(t.Object({
    id: t.String(),
    days: t.Array(t.Object({ date: t.String(), requests: t.Number() })),
    total: t.Number(),
  })),
}

export const toKey = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  keyPreview: row.keyPreview,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
})

/** The one answer that carries the key itself. */
export const toKeyWithSecret = (row: ApiKeyRow, key: string) =>
  ({ id: row.id, name: row.name, key, keyPreview: row.keyPreview, createdAt: row.createdAt.toISOString() })
