// Resolves the caller from an API key or a JWT: one path for both, so blocking and plans apply alike.
import type { Deps } from '../deps'
import { AppError } from '../errors'
import { findPlan } from '../plans/table'
import { sha256Hex } from '../shared/ids'
import { API_KEY_PREFIX, type Caller } from './caller'
import type { CallerCache, UserSnapshot } from './caller-cache'

/** The credential of a request: `Authorization: Bearer <key or JWT>`, a raw key in `Authorization`, or `X-Api-Key`. */
export function credentialOf(headers: Headers): string | null {
  const apiKey = headers.get('x-api-key')?.trim()
  if (apiKey) return apiKey
  const auth = headers.get('authorization')?.trim()
  if (!auth) return null
  const m = /^Bearer\s+(.+)$/i.exec(auth)
  return (m ? m[1] : auth).trim() || null
}

/** `cookieToken`: the dashboard session's JWT, used only when the headers carry no credential. */
export async function authenticate(deps: Deps, callers: CallerCache, headers: Headers, cookieToken: string | null = null): Promise<Caller> {
  const credential = credentialOf(headers) ?? cookieToken
  if (!credential) throw new AppError('UNAUTHORIZED', 'Send an API key or token: Authorization: Bearer … or X-Api-Key')
  if (!credential.startsWith(API_KEY_PREFIX)) {
    const claims = await deps.tokens.verify(credential)
    const user = await callers.user(claims.sub)
    // A password reset sets tokensValidAfter: every token issued before it stops working.
    if (user?.tokensValidAfter && claims.iatMs < user.tokensValidAfter.getTime())
      throw new AppError('UNAUTHORIZED', 'The token was revoked; log in again')
    const caller = callerOf(deps, user, null)
    return credential === cookieToken ? { ...caller, session: true } : caller
  }
  const owner = await callers.keyOwner(sha256Hex(credential))
  if (!owner) throw new AppError('API_KEY_INVALID', 'The API key does not exist or was revoked')
  return callerOf(deps, await callers.user(owner.userId), owner.keyId)
}

export function callerOf(deps: Deps, user: UserSnapshot | null, keyId: string | null): Caller {
  if (!user) throw new AppError('UNAUTHORIZED', 'The account no longer exists')
  if (user.blocked) throw new AppError('ACCOUNT_BLOCKED', 'This account is blocked')
  return { userId: user.id, email: user.email, role: user.role, plan: findPlan(deps.config.plans, user.plan), keyId }
}
