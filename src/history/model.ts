// Response schema of a link's status history.
import { t } from 'elysia'
import { ok } from '../shared/envelope'
import { oneOf } from '../shared/schema'

const status = oneOf(['ACTIVE', 'EXPIRED', 'USED', 'DISABLED'])

export const historyParams = t.Object({ idOrSlug: t.String({ minLength: 1, maxLength: 200 }) })

export const historyResponse = ok(t.Object({
  status,
  entries: t.Array(t.Object({
    at: t.String({ description: 'ISO 8601 time of the change' }),
    event: oneOf(['created', 'disabled', 'expired', 'used']),
    status,
    reason: t.Union([t.String(), t.Null()], { description: 'why, when the event says (manual, single_use)' }),
  }), { description: 'Oldest first' }),
}))
