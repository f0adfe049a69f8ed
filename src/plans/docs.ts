// What the OpenAPI document says of the plans route.
import { callerOperation } from '../docs/security'

export const docs = {
  list: callerOperation('The plans and their limits',
    'Every plan of this installation, cheapest first, with its price and limits, and `current`, the caller\'s plan. A plan is '
    + 'changed by an administrator (PATCH /api/v1/admin/users/{id}); there is no self-service change. Errors: 401 without credentials.'),
}
