// A day-like mix at a constant arrival rate: redirects over a skewed popularity (a few links get
// most clicks, as in real traffic), unknown slugs (typos and enumeration, answered 404 from the
// negative cache), and, with API_KEY, API reads and creates alongside. Thresholds per part.
//
//   k6 run -e BASE_URL=https://s.example.com -e API_KEY=sk_live_… -e RATE=200 bench/k6/mixed.js
import http from 'k6/http'
import { check } from 'k6'
import {
  API_KEY, BASE_URL, CREATED, NOT_FOUND, OK, REDIRECTS, apiHeaders, prepareSlugs, removeCreated, slugAt, slugCount, trendStats,
} from './lib/common.js'

const RATE = Number(__ENV.RATE || 500)
// Popularity ~ u^SKEW: with 4, the first 1% of links draw ~30% of the hits.
const SKEW = Number(__ENV.SKEW || 4)
const DURATION = __ENV.DURATION || '60s'
const share = (part) => Math.max(1, Math.round(RATE * part))
const arrival = (rate, exec) => ({
  executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: DURATION, exec,
  preAllocatedVUs: Math.max(5, Math.ceil(rate / 100)), maxVUs: Math.max(50, Math.ceil(rate / 10)),
})

const scenarios = { hits: arrival(share(API_KEY ? 0.9 : 0.95), 'hit'), unknown: arrival(share(0.05), 'unknown') }
if (API_KEY) {
  scenarios.reads = arrival(share(0.03), 'read')
  scenarios.creates = arrival(share(0.02), 'create')
}

export const options = {
  discardResponseBodies: true,
  maxRedirects: 0,
  summaryTrendStats: trendStats,
  scenarios,
  thresholds: {
    'http_req_duration{scenario:hits}': [`p(99)<${__ENV.P99_MS || 5}`],
    'http_req_duration{scenario:unknown}': [`p(99)<${__ENV.P99_MS || 5}`],
    'http_req_failed{scenario:hits}': ['rate<0.001'],
    'http_req_failed{scenario:unknown}': ['rate<0.001'],
    ...(API_KEY ? {
      'http_req_duration{scenario:reads}': [`p(99)<${__ENV.API_P99_MS || 500}`],
      'http_req_duration{scenario:creates}': [`p(99)<${__ENV.API_P99_MS || 500}`],
      'http_req_failed{scenario:reads}': ['rate<0.01'],
      'http_req_failed{scenario:creates}': ['rate<0.01'],
    } : {}),
  },
}

export function setup() {
  return prepareSlugs()
}

export function hit(data) {
  const n = Math.floor(Math.pow(Math.random(), SKEW) * slugCount(data))
  const res = http.get(`${BASE_URL}/${slugAt(data, n)}`, { tags: { name: 'GET /{slug}' }, responseCallback: REDIRECTS })
  check(res, { 'hit redirects': (r) => r.status >= 301 && r.status <= 308 })
}

export function unknown() {
  // Random enough to defeat any cache but the negative one; never a valid generated slug (contains '-').
  const slug = `nope-${Math.floor(Math.random() * 1e9).toString(36)}`
  const res = http.get(`${BASE_URL}/${slug}`, { tags: { name: 'GET /{unknown}' }, responseCallback: NOT_FOUND })
  check(res, { 'unknown is 404': (r) => r.status === 404 })
}

export function read(data) {
  const headers = apiHeaders()
  if (Math.random() < 0.5) {
    http.get(`${BASE_URL}/api/v1/links?limit=20`, { headers, tags: { name: 'GET /api/v1/links' }, responseCallback: OK })
  } else {
    const slug = slugAt(data, Math.floor(Math.random() * slugCount(data)))
    http.get(`${BASE_URL}/api/v1/links/${slug}`, { headers, tags: { name: 'GET /api/v1/links/{slug}' }, responseCallback: OK })
  }
}

export function create() {
  const body = JSON.stringify({ url: `https://example.com/k6-mixed/${__VU}/${__ITER}` })
  http.post(`${BASE_URL}/api/v1/links`, body, { headers: apiHeaders(), tags: { name: 'POST /api/v1/links' }, responseCallback: CREATED })
}

export function teardown(data) {
  removeCreated(data)
}
