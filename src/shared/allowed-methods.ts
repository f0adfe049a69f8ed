// For a 405: which methods a path answers, from the app's own routes. Built once, on the first
// request that found no route, when every plugin has registered its routes.

type Route = { method: string; path: string }

/**
 * `(pathname) => methods`, or null when no route has that path. A GET route answers HEAD too,
 * and every path answers the CORS preflight (OPTIONS); catch-all routes (`/*`) are not a path.
 */
export function allowedMethods(routes: readonly Route[]): (pathname: string) => string[] | null {
  const byPath = new Map<string, Set<string>>()
  for (const r of routes) {
    if (r.path.includes('*') || r.method === 'OPTIONS' || r.method === 'ALL') continue
    const set = byPath.get(r.path) ?? new Set<string>()
    set.add(r.method)
    if (r.method === 'GET') set.add('HEAD')
    byPath.set(r.path, set)
  }
  const exact = new Map<string, Set<string>>()
  const patterns: [RegExp, Set<string>][] = []
  for (const [path, methods] of byPath) {
    if (!path.includes(':')) exact.set(path, methods)
    else patterns.push([new RegExp(`^${path.split('/').map(segment).join('/')}$`), methods])
  }
  return (pathname) => {
    const found = new Set(exact.get(pathname))
    for (const [re, methods] of patterns) if (re.test(pathname)) methods.forEach((m) => found.add(m))
    return found.size === 0 ? null : [...found, 'OPTIONS']
  }
}

/** `:id` matches one non-empty segment; anything else matches itself. */
const segment = (s: string) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
