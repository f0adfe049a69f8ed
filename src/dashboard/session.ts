// Sign-in and sign-out of the dashboard: the same login as POST /api/auth/login (password, 2FA,
// limits), answered with the session cookie instead of a token in the body.
import { t } from 'elysia'
import type { Deps } from '../deps'
import { AppError } from '../errors'
import type { Caller } from '../auth/caller'
import { clientIp } from '../auth/context'
import { clearedSessionCookie, endSessions, sameOrigin, sessionCookie } from '../auth/session'
import { login } from '../accounts/service'
import { sessionUser, type LoginInput } from '../accounts/model'
import { ok } from '../shared/envelope'

type Set = { headers: Record<string, unknown> }
type Req = { request: Request; server: Parameters<typeof clientIp>[2]; set: Set }

export const sessionResponses = {
  user: ok(t.Object({ user: sessionUser })),
  signedOut: t.Object({ success: t.Literal(true), data: t.Null(), message: t.String() }),
}

/** Refused from another site's page too: no one may sign a visitor into an account (login CSRF). */
export async function signIn(deps: Deps, input: LoginInput, { request, server, set }: Req) {
  if (!sameOrigin(deps.config, request))
    throw new AppError('FORBIDDEN', 'Sign in from this service\'s own pages', { reason: 'cross_origin' })
  const { token, user } = await login(deps, input, clientIp(deps, request, server))
  set.headers['set-cookie'] = sessionCookie(deps.config, token)
  set.headers['cache-control'] = 'no-store'
  return { success: true as const, data: { user } }
}

export async function signOut(deps: Deps, caller: Caller, set: Set) {
  const answer = await endSessions(deps, caller)
  set.headers['set-cookie'] = clearedSessionCookie(deps.config)
  return answer
}
