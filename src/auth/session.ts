// The dashboard's cookie session. The JWT rides in an httpOnly, SameSite=Strict cookie that page
// scripts cannot read; the header-based API for integrators is unchanged. A request authenticated
// by the cookie that changes state must come from the service's own origin (CSRF), and signing out
// moves the account's tokensValidAfter, so the cookie (and every JWT issued before) stops working.
import { eq } from 'drizzle-orm'
import type { Config } from '../config'
import type { Deps } from '../deps'
import { users } from '../db/schema'
import { AppError } from '../errors'
import { credentialOf } from './service'
import { API_KEY_PREFIX, type Caller } from './caller'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** `__Host-` (Secure, Path=/, no Domain: no sibling subdomain can plant it) when served over https. */
export const sessionCookieName = (config: Pick<Config, 'baseUrl'>) =>
  isHttps(config) ? '__Host-kurz_session' : 'kurz_session'

const isHttps = (config: Pick<Config, 'baseUrl'>) => config.baseUrl.startsWith('https:')

/** The Set-Cookie value that starts a session: the token lives as long as the JWT does. */
export function sessionCookie(config: Config, token: string): string {
  const secure = isHttps(config) ? '; Secure' : ''
  return `${sessionCookieName(config)}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds(config.jwt.expiresIn)}${secure}`
}

/** The Set-Cookie value that deletes it in the browser. */
export function clearedSessionCookie(config: Config): string {
  const secure = isHttps(config) ? '; Secure' : ''
  return `${sessionCookieName(config)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`
}

/** The session cookie's token, or null. */
export function sessionToken(config: Config, headers: Headers): string | null {
  const name = sessionCookieName(config)
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null
  }
  return null
}

/**
 * The cookie's JWT when the request has no header credential (a header always wins), after the
 * origin check. Only a JWT is accepted from the cookie: this route never carries an API key.
 */
export function cookieCredential(config: Config, request: Request): string | null {
  if (credentialOf(request.headers)) return null
  const token = sessionToken(config, request.headers)
  if (!token) return null
  if (token.startsWith(API_KEY_PREFIX)) throw new AppError('UNAUTHORIZED', 'The session cookie is not valid; sign in again')
  if (!SAFE_METHODS.has(request.method) && !sameOrigin(config, request))
    throw new AppError('FORBIDDEN', 'A request signed in by cookie must come from this service\'s own pages', { reason: 'cross_origin' })
  return token
}

/**
 * Same origin when the browser says so (Sec-Fetch-Site: same-origin), or when Origin is BASE_URL's
 * origin or names the host the request was sent to (a browser sets Host itself, and a page on
 * another site cannot make Origin name ours). No Origin and no Sec-Fetch-Site: refused, since every
 * browser that honours SameSite sends one of them on a POST, PATCH, PUT or DELETE.
 */
export function sameOrigin(config: Pick<Config, 'baseUrl'>, request: Request): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site) return site === 'same-origin'
  const origin = request.headers.get('origin')
  if (!origin || !URL.canParse(origin)) return false
  const o = new URL(origin)
  if (o.origin === new URL(config.baseUrl).origin) return true
  const host = request.headers.get('host') ?? new URL(request.url).host
  return o.host.toLowerCase() === host.toLowerCase()
}

/** Sign-out: every token of the account issued before now, this cookie's included, stops working. */
export async function endSessions(deps: Deps, caller: Caller): Promise<{ success: true; data: null; message: string }> {
  const now = deps.now()
  await deps.db.update(users).set({ tokensValidAfter: now, updatedAt: now }).where(eq(users.id, caller.userId))
  deps.callers.evictUser(caller.userId)
  return { success: true, data: null, message: 'Signed out' }
}

function maxAgeSeconds(expiresIn: string | number): number {
  if (typeof expiresIn === 'number') return expiresIn
  const m = /^(\d+)\s*([smhdw]?)$/.exec(expiresIn.trim())
  if (!m) return 86_400
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as '' | 's']
  return Number(m[1]) * unit
}
