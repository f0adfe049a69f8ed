// Redirect latency under a constant arrival rate (open model): requests start on schedule whether
// or not earlier ones have finished, so a slow server shows up as latency and dropped iterations
// instead of quietly lowering the load. Exits non-zero when a threshold is broken.
//
//   k6 run -e BASE_URL=https://s.example.com -e SLUGS=abc1234,def5678 -e RATE=500 bench/k6/redirect-latency.js
import http from 'k6/http'
import { check } from 'k6'
import { BASE_URL, REDIRECTS, prepareSlugs, removeCreated, slugAt, slugCount, trendStats } from './lib/common.js'

const RATE = Number(__ENV.RATE || 1000)
// HEAD redirects without counting a click: GET minus HEAD is what click recording costs.
const METHOD = (__ENV.METHOD || 'GET').toUpperCase()
const VUS = Number(__ENV.VUS || Math.max(20, Math.ceil(RATE / 200)))

export const options = {
  discardResponseBodies: true,
  // The 302 itself is what we measure; following it would time the destination.
  maxRedirects: 0,
  summaryTrendStats: trendStats,
  scenarios: {
    redirects: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: VUS,
      maxVUs: Number(__ENV.MAX_VUS || VUS * 10),
    },
  },
  thresholds: {
    // Defaults are the targets on a local run; over a network add the round trip (P95_MS, P99_MS).
    'http_req_duration{scenario:redirects}': [`p(95)<${__ENV.P95_MS || 1}`, `p(99)<${__ENV.P99_MS || 2}`],
    // Anything but a 3xx to a valid slug is a failure.
    'http_req_failed{scenario:redirects}': [`rate<${__ENV.MAX_FAILED || 0.001}`],
    'checks{scenario:redirects}': ['rate>0.999'],
  },
}

http.setResponseCallback(REDIRECTS)

export function setup() {
  return prepareSlugs()
}

export default function (data) {
  const slug = slugAt(data, Math.floor(Math.random() * slugCount(data)))
  const res = http.request(METHOD, `${BASE_URL}/${slug}`, null, { tags: { name: `${METHOD} /{slug}` } })
  check(res, { 'redirect with Location': (r) => r.status >= 301 && r.status <= 308 && !!r.headers.Location })
}

export function teardown(data) {
  removeCreated(data)
}
