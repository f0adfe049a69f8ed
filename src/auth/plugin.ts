// The one auth plugin: `{ auth: true }` resolves the caller, `{ admin: true }` also requires ADMIN.
import { Elysia } from 'elysia'
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { authenticate, CallerCache } from './service'

export function authPlugin(deps: Deps, callers = new CallerCache(deps)) {
  return new Elysia({ name: 'kurz.auth' })
    .decorate('callers', callers)
    .macro({
      auth: {
        async resolve({ request }) {
          return { caller: await authenticate(deps, callers, request.headers) }
        },
      },
      admin: {
        async resolve({ request }) {
          const caller = await authenticate(deps, callers, request.headers)
          if (caller.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Only administrators may do this')
          return { caller }
        },
      },
    })
}
