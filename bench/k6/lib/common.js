// Shared by the k6 scripts: where the slugs come from, and the API helpers.
import http from 'k6/http'

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '')
export const API_KEY = __ENV.API_KEY || ''
const SLUGS = (__ENV.SLUGS || '').split(',').map((s) => s.trim()).filter(Boolean)
const SLUG_COUNT = Number(__ENV.SLUG_COUNT || 0)
const SLUG_PREFIX = __ENV.SLUG_PREFIX || 'bn'
const CREATE_LINKS = Number(__ENV.CREATE_LINKS || 100)

export const apiHeaders = () => ({ Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' })
export const trendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']
export const REDIRECTS = http.expectedStatuses(301, 302, 307, 308)
export const CREATED = http.expectedStatuses(201)
export const OK = http.expectedStatuses(200)
export const NOT_FOUND = http.expectedStatuses(404)

/**
 * The slugs to hit, in order of preference: SLUGS=a,b,c; SLUG_COUNT with SLUG_PREFIX (the links
 * `bun run bench` seeds: prefix + 7 digits); or, with API_KEY, CREATE_LINKS links made in setup().
 */
export function prepareSlugs() {
  if (SLUGS.length) return { slugs: SLUGS, created: false }
  if (SLUG_COUNT > 0) return { prefix: SLUG_PREFIX, count: SLUG_COUNT, created: false }
  if (!API_KEY) throw new Error('give SLUGS, SLUG_COUNT (seeded bench links) or API_KEY (links are created in setup)')
  const slugs = []
  for (let i = 0; i < CREATE_LINKS; i++) {
    const res = http.post(`${BASE_URL}/api/v1/links`, JSON.stringify({ url: `https://example.com/k6/${i}`, title: 'k6 bench' }),
      { headers: apiHeaders(), responseType: 'text', responseCallback: CREATED })
    if (res.status !== 201) throw new Error(`creating a link failed: ${res.status} ${res.body}`)
    slugs.push(JSON.parse(res.body).data.slug)
  }
  return { slugs, created: true }
}

/** The n-th slug of what prepareSlugs() returned. */
export function slugAt(data, n) {
  if (data.slugs) return data.slugs[n % data.slugs.length]
  return data.prefix + String(1 + (n % data.count)).padStart(7, '0')
}

export function slugCount(data) {
  return data.slugs ? data.slugs.length : data.count
}

/** Links made by setup() are deleted again, so a run leaves a deployment as it found it. */
export function removeCreated(data) {
  if (!data.created) return
  for (let i = 0; i < data.slugs.length; i += 10) {
    http.post(`${BASE_URL}/api/v1/links/bulk-action`, JSON.stringify({ shortCodes: data.slugs.slice(i, i + 10), action: 'DELETE' }),
      { headers: apiHeaders(), responseCallback: OK })
  }
}
