// API throughput, closed model: VUS clients create links (POST /api/v1/links) as fast as the
// server answers, then list them (GET /api/v1/links, both pagination styles). SCENARIO=create or
// list runs one part only (LIST_SIZE links a page, 20 unless set). Creates count against the key's
// plan (link limit, rate limit).
//
//   k6 run -e BASE_URL=https://s.example.com -e API_KEY=sk_live_… -e DURATION=20s bench/k6/api.js
import http from 'k6/http'
import { check } from 'k6'
import { API_KEY, BASE_URL, CREATED, OK, apiHeaders, trendStats } from './lib/common.js'

if (!API_KEY) throw new Error('API_KEY is required')
const DURATION = __ENV.DURATION || '20s'
const VUS = Number(__ENV.VUS || 16)
const ONLY = __ENV.SCENARIO || ''
const LIST_SIZE = Number(__ENV.LIST_SIZE || 20)
// A run marker in every destination, so these links are easy to find (search) and remove.
const RUN = __ENV.RUN_ID || `${Date.now()}`

const scenarios = {}
if (ONLY !== 'list') scenarios.create = { executor: 'constant-vus', vus: VUS, duration: DURATION, exec: 'create' }
if (ONLY !== 'create')
  scenarios.list = { executor: 'constant-vus', vus: VUS, duration: DURATION, exec: 'list', startTime: ONLY ? '0s' : DURATION }

export const options = {
  summaryTrendStats: trendStats,
  scenarios,
  thresholds: {
    http_req_failed: [`rate<${__ENV.MAX_FAILED || 0.01}`],
    ...(scenarios.create ? { 'http_req_duration{scenario:create}': [`p(99)<${__ENV.P99_MS || 1000}`] } : {}),
    ...(scenarios.list ? { 'http_req_duration{scenario:list}': [`p(99)<${__ENV.P99_MS || 1000}`] } : {}),
  },
}

export function create() {
  const body = JSON.stringify({ url: `https://example.com/k6-api/${RUN}/${__VU}/${__ITER}` })
  const res = http.post(`${BASE_URL}/api/v1/links`, body, { headers: apiHeaders(), tags: { name: 'POST /api/v1/links' }, responseCallback: CREATED })
  check(res, { 'created': (r) => r.status === 201 })
}

export function list() {
  const url = Math.random() < 0.5 ? `${BASE_URL}/api/v1/links?page=1&size=${LIST_SIZE}` : `${BASE_URL}/api/v1/links?limit=${LIST_SIZE}&offset=0`
  const res = http.get(url, { headers: apiHeaders(), tags: { name: 'GET /api/v1/links' }, responseCallback: OK })
  check(res, { 'listed': (r) => r.status === 200 })
}
