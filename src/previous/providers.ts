// How each previous shortener is asked for one short link's destination, from its API's documented
// request and answer: Bitly v4 `POST /v4/expand`, YOURLS `action=expand`, Shlink
// `GET /rest/v3/short-urls/{shortCode}`, Kutt `GET /api/v2/links?search=`. An answer is the long
// URL, or null when the service does not know the link; anything else throws.
import type { PinnedAnswer } from '../shared/pinned-http'

export const PROVIDERS = ['bitly', 'yourls', 'shlink', 'kutt'] as const
export type Provider = (typeof PROVIDERS)[number]

/** The API's address when the service is not self-hosted (Bitly and kutt.it). */
export const DEFAULT_API_URL: Partial<Record<Provider, string>> = {
  bitly: 'https://api-ssl.bitly.com',
  kutt: 'https://kutt.it',
}

export type Ask = { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }

type Protocol = {
  ask(apiUrl: string, token: string, domain: string, slug: string): Ask
  answer(a: PinnedAnswer, slug: string): string | null
}

const base = (apiUrl: string) => apiUrl.replace(/\/+$/, '')
const json = (a: PinnedAnswer): Record<string, unknown> => {
  try {
    const v = JSON.parse(a.body)
    return v && typeof v === 'object' ? v : {}
  } catch {
    throw new Error(`the answer (${a.status}) is not JSON`)
  }
}
const unexpected = (a: PinnedAnswer) => new Error(`unexpected answer ${a.status}`)
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)

export const PROTOCOLS: Record<Provider, Protocol> = {
  bitly: {
    ask: (apiUrl, token, domain, slug) => ({
      url: `${base(apiUrl)}/v4/expand`, method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bitlink_id: `${domain}/${slug}` }),
    }),
    answer(a) {
      if (a.status === 404) return null
      if (a.status !== 200) throw unexpected(a)
      return str(json(a).long_url)
    },
  },
  yourls: {
    ask: (apiUrl, token, _domain, slug) => ({
      url: `${base(apiUrl)}/yourls-api.php?${new URLSearchParams({ signature: token, action: 'expand', shorturl: slug, format: 'json' })}`,
      method: 'GET', headers: {},
    }),
    answer(a) {
      if (a.status === 404) return null
      if (a.status !== 200) throw unexpected(a)
      const v = json(a)
      return Number(v.statusCode ?? 200) === 200 ? str(v.longurl) : null
    },
  },
  shlink: {
    ask: (apiUrl, token, domain, slug) => ({
      url: `${base(apiUrl)}/rest/v3/short-urls/${encodeURIComponent(slug)}?${new URLSearchParams({ domain })}`,
      method: 'GET', headers: { 'x-api-key': token },
    }),
    answer(a) {
      if (a.status === 404) return null
      if (a.status !== 200) throw unexpected(a)
      return str(json(a).longUrl)
    },
  },
  kutt: {
    ask: (apiUrl, token, _domain, slug) => ({
      url: `${base(apiUrl)}/api/v2/links?${new URLSearchParams({ search: slug, limit: '50' })}`,
      method: 'GET', headers: { 'x-api-key': token },
    }),
    answer(a, slug) {
      if (a.status === 404) return null
      if (a.status !== 200) throw unexpected(a)
      const data = json(a).data
      const hit = Array.isArray(data) ? data.find((l) => l && typeof l === 'object' && l.address === slug) : undefined
      return hit ? str(hit.target) : null
    },
  },
}
