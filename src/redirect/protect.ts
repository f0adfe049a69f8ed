// Password-protected links. Before the unlock a visitor gets the password page (browsers) or a 401
// envelope (API clients), and nothing of the link: no destination, no title, no preview, no click.
// The right password sets an unlock cookie: HMAC-signed over the link's id and password hash (a new
// password revokes every cookie), short-lived, HttpOnly, SameSite=Lax, scoped to the link's path.
// API callers may send the password in X-Link-Password instead and get the redirect at once.
// Every try (form or header) counts per link and per client address; over either limit is 429.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Deps } from '../deps'
import { errorResponse } from '../errors'
import { acceptsHtml, escapeHtml, htmlHeaders } from '../shared/html'
import { clientIp, groupOf, type RequestServer } from '../shared/request'
import type { LinkEntry } from './link-entry'

export const PASSWORD_HEADER = 'x-link-password'
export const UNLOCK_COOKIE = 'kurz_unlock'
/** How long an unlock lasts. */
export const UNLOCK_TTL_SECONDS = 3600
/** Password tries per window: per link (any client) and per client address (any link). */
export const PASSWORD_TRIES = { perLink: 20, perClient: 10, windowMs: 15 * 60_000 }
export const PASSWORD_MAX_LENGTH = 128

const keys = new WeakMap<Deps, Buffer>()
/** The cookie's key, derived from the service's signing secret (never the secret itself). */
function unlockKey(deps: Deps): Buffer {
  let key = keys.get(deps)
  if (!key) keys.set(deps, (key = createHmac('sha256', deps.config.jwt.secret).update('kurz link unlock v1').digest()))
  return key
}

const mac = (deps: Deps, link: LinkEntry, expires: number) =>
  createHmac('sha256', unlockKey(deps)).update(`${link.id}\n${link.smart!.pw}\n${expires}`).digest('base64url')

/** The cookie's value for `link`, valid until `expires` (epoch seconds). */
export const unlockToken = (deps: Deps, link: LinkEntry, expires: number) => `${expires}.${mac(deps, link, expires)}`

/** True when the request carries this link's unexpired unlock cookie. */
export function isUnlocked(deps: Deps, req: Request, link: LinkEntry): boolean {
  const header = req.headers.get('cookie')
  if (!header || !header.includes(UNLOCK_COOKIE)) return false
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=', 2)
    if (name !== UNLOCK_COOKIE || !value) continue
    const dot = value.indexOf('.')
    const expires = Number(value.slice(0, dot))
    if (dot < 1 || !Number.isSafeInteger(expires) || expires * 1000 <= Date.now()) continue
    const given = Buffer.from(value.slice(dot + 1))
    const expected = Buffer.from(mac(deps, link, expires))
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true
  }
  return false
}

export function unlockCookie(deps: Deps, link: LinkEntry, slug: string): string {
  const expires = Math.floor(Date.now() / 1000) + UNLOCK_TTL_SECONDS
  const secure = deps.config.baseUrl.startsWith('https:') ? '; Secure' : ''
  return `${UNLOCK_COOKIE}=${unlockToken(deps, link, expires)}; Path=/${slug}; Max-Age=${UNLOCK_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`
}

/** 'ok', 'wrong', or the seconds to wait when the link's or the client's tries are used up. */
export async function tryPassword(deps: Deps, req: Request, server: RequestServer, link: LinkEntry, password: string): Promise<'ok' | 'wrong' | number> {
  const now = Date.now()
  const client = groupOf(clientIp(deps.config.trustProxy, req, server))
  const verdicts = await Promise.all([
    deps.limiter.hit(`linkpw:link:${link.id}`, PASSWORD_TRIES.perLink, PASSWORD_TRIES.windowMs, now),
    deps.limiter.hit(`linkpw:ip:${client}`, PASSWORD_TRIES.perClient, PASSWORD_TRIES.windowMs, now),
  ])
  const refused = verdicts.find((v) => !v.allowed)
  if (refused) return refused.retryAfter
  if (password.length === 0 || password.length > PASSWORD_MAX_LENGTH) return 'wrong'
  try {
    return (await Bun.password.verify(password, link.smart!.pw!)) ? 'ok' : 'wrong'
  } catch {
    return 'wrong'
  }
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#f5f5f5;color:#111}
main{max-width:400px;margin:10vh auto 0;background:#fff;border-radius:12px;padding:28px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:0 0 12px}p{line-height:1.5;margin:0 0 12px}.error{color:#b3261e}
label{display:block;margin:0 0 6px;font-weight:600}input{box-sizing:border-box;width:100%;font-size:1rem;padding:10px;border:1px solid #888;border-radius:8px}
button{margin-top:12px;font-size:1rem;padding:10px 16px;border:0;border-radius:8px;background:#0b57d0;color:#fff;cursor:pointer}
input:focus,button:focus{outline:3px solid #0b57d0;outline-offset:2px}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}main{background:#1e1e1e}input{background:#111;color:#eee}.error{color:#f2b8b5}}`

const PAGE_HEADERS = (() => {
  const policy = [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
    "base-uri 'none'",
    // The form posts back to this short URL, on this host only.
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { ...htmlHeaders(policy), vary: 'Accept' }
})()

/** The password page: a form that posts the password back to the short URL (with its query). No link detail appears. */
export function passwordPage(slug: string, query: string, error: string | null, status = 401): Response {
  const action = escapeHtml(`/${slug}${query ? `?${query}` : ''}`)
  const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">`
    + `<title>Password required</title><style>${STYLE}</style></head><body><main><h1>This link is protected</h1>`
    + `<p>Enter the link's password to continue.</p>${message}`
    + `<form method="post" action="${action}"><label for="password">Password</label>`
    + `<input id="password" name="password" type="password" required autofocus autocomplete="off" maxlength="${PASSWORD_MAX_LENGTH}">`
    + `<button type="submit">Continue</button></form></main></body></html>`
  return new Response(html, { status, headers: PAGE_HEADERS })
}

const tooMany = (retryAfter: number) => errorResponse(429, 'RATE_LIMIT_EXCEEDED', 'Too many password attempts; try again later',
  { retryAfter }, { 'retry-after': String(retryAfter) })

/** A locked link's answer when the visitor has not unlocked it. */
export function locked(req: Request, slug: string, query: string): Response {
  if (acceptsHtml(req)) return passwordPage(slug, query, null)
  return errorResponse(401, 'LINK_PASSWORD_REQUIRED', `This link needs a password: send it in the ${PASSWORD_HEADER} header`, {}, { vary: 'Accept' })
}

/**
 * The gate of a password-protected link on a visit: null lets the visit through (an unlock cookie),
 * a promise of null lets it through after the X-Link-Password header was checked; anything else is the answer.
 */
export function passwordGate(deps: Deps, req: Request, server: RequestServer, link: LinkEntry, slug: string, query: string): Response | Promise<Response | null> | null {
  if (isUnlocked(deps, req, link)) return null
  const given = req.headers.get(PASSWORD_HEADER)
  if (given === null) return locked(req, slug, query)
  return tryPassword(deps, req, server, link, given).then((verdict) => {
    if (verdict === 'ok') return null
    if (verdict === 'wrong') return errorResponse(401, 'LINK_PASSWORD_INVALID', 'Wrong password for this link', { field: PASSWORD_HEADER })
    return tooMany(verdict)
  })
}

/** The password form's POST: 303 back to the short URL with the unlock cookie, the page again with an error, or 429. */
export async function unlockByForm(deps: Deps, req: Request, server: RequestServer, link: LinkEntry, slug: string, query: string, password: string): Promise<Response> {
  const verdict = await tryPassword(deps, req, server, link, password)
  if (verdict === 'ok') {
    return new Response(null, {
      status: 303,
      headers: { location: `/${slug}${query ? `?${query}` : ''}`, 'set-cookie': unlockCookie(deps, link, slug), 'cache-control': 'no-store' },
    })
  }
  if (verdict === 'wrong') return acceptsHtml(req) ? passwordPage(slug, query, 'That password is not right. Try again.') :
    errorResponse(401, 'LINK_PASSWORD_INVALID', 'Wrong password for this link', { field: 'password' })
  if (acceptsHtml(req)) {
    const page = passwordPage(slug, query, `Too many tries. Try again in ${Math.ceil(verdict / 60)} minute(s).`, 429)
    page.headers.set('retry-after', String(verdict))
    return page
  }
  return tooMany(verdict)
}
