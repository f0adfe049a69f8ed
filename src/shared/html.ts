// What every page this server renders shares: escaping, and a Content-Security-Policy under which
// only the page's own inline stylesheet applies (by its hash: no script, no external load at all).
import { createHash } from 'node:crypto'

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** A policy that allows the one `<style>` whose text is `style`, and nothing else. */
export function styleOnlyPolicy(style: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Headers of an HTML page under `policy`, never cached (what it shows may change any moment). */
export function htmlHeaders(policy: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': policy,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  }
}

/** True when the client takes HTML (a browser): `text/html` in Accept, with a quality above 0. */
export function acceptsHtml(req: Request): boolean {
  const accept = req.headers.get('accept')
  if (!accept || !accept.includes('text/html')) return false
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    return type === 'text/html' && (q === undefined || Number(q.slice(2)) > 0)
  })
}
