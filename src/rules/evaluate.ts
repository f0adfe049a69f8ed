// The redirect's decision for a link with smart fields: the first routing rule whose conditions
// all hold, else the A/B test's variant of this visitor, else the link's own URL; UTM values
// appended to whichever wins. Runs only for links that have such fields. The request is read only
// as far as the link's conditions need: the user agent is parsed only for device/OS/browser
// conditions, the address located only for country/city ones.
import { BlockList, isIP } from 'node:net'
import type { Deps } from '../deps'
import { parseAgent, type Enricher } from '../clicks/enrich'
import { BoundedCache } from '../shared/bounded-cache'
import { clientIp, type RequestServer } from '../shared/request'
import { type Condition, UTM_KEYS, VARIANT_KEYS } from './model'
import type { SmartText } from './entry'

type Facts = {
  deps: Deps; req: Request; server: RequestServer; query: string
  ip?: string; agent?: ReturnType<typeof parseAgent>; place?: { country: string; city: string }; lang?: string; params?: URLSearchParams
}
type Test = (f: Facts) => boolean
type Compiled = {
  /** Each rule's conditions, cheapest first (all must hold, so their order changes no outcome). */
  rules: { tests: Test[]; target: string }[]
  /** Cumulative upper bounds in percent, with the variant's key and its destination. */
  variants: { upTo: number; key: string; target: string }[] | null
  /** utm_* names the link sets: a visitor's values for them are dropped. */
  utmNames: Set<string> | null
  utmQuery: string
  /** Each destination with the UTM values set, built at its first visit. */
  utmTargets: Map<string, string>
}

/**
 * What the visit does: where it goes, the query passed on, the click's query (for its UTM) and
 * variant, and the client's address when the decision read it (so the click need not read it again).
 */
export type Decision = { target: string; query: string; clickQuery: string; variant: string | undefined; ip: string | undefined }

// A hot link's entry is one object (the cache's hot tier): its compiled form is kept per object.
// Entries decoded from the arena are new objects each time: theirs is kept per text.
const byEntry = new WeakMap<object, Compiled>()
const compiled = new BoundedCache<string, Compiled>(10_000)
// What the request's headers and address give, by value: visitors repeat (a geo look-up walks a
// tree; a user agent is parsed by many regular expressions).
// Only short values are kept as keys: a visitor writes them, and long ones would fill memory.
const MAX_KEY = 512
const agents = new BoundedCache<string, ReturnType<typeof parseAgent>>(10_000)
const languages = new BoundedCache<string, string>(4_096)
const places = new WeakMap<Enricher, BoundedCache<string, { country: string; city: string }>>()

export function decide(deps: Deps, req: Request, server: RequestServer, entry: object, target: string, text: string, query: string, linkId: string): Decision {
  let c = byEntry.get(entry)
  if (c === undefined) {
    c = compiled.get(text)
    if (c === undefined) compiled.set(text, (c = compile(text)))
    byEntry.set(entry, c)
  }
  const facts: Facts = { deps, req, server, query }
  let chosen: string | null = null
  let variant: string | undefined
  for (const r of c.rules) {
    if (holds(r.tests, facts)) {
      chosen = r.target
      break
    }
  }
  if (chosen === null && c.variants !== null) {
    const bucket = bucketOf(deps.config.visitorSalt, ipOf(facts), req.headers.get('user-agent') ?? '', linkId)
    const v = c.variants.find((x) => bucket < x.upTo) ?? c.variants[c.variants.length - 1]!
    chosen = v.target
    variant = v.key
  }
  chosen ??= target
  if (c.utmNames === null) return { target: chosen, query, clickQuery: query, variant, ip: facts.ip }
  // Every name is decoded before it is compared: utm%5Fsource is utm_source.
  const own = query ? dropNames(query, c.utmNames) : query
  let utmTarget = c.utmTargets.get(chosen)
  if (utmTarget === undefined) c.utmTargets.set(chosen, (utmTarget = withUtm(chosen, c.utmQuery)))
  return { target: utmTarget, query: own, clickQuery: own ? `${c.utmQuery}&${own}` : c.utmQuery, variant, ip: facts.ip }
}

function holds(tests: Test[], facts: Facts): boolean {
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(facts)) return false
  return true
}

/** 0-99 from a salted hash of the visitor and the link: the same visitor, the same bucket, every visit. */
export function bucketOf(salt: string, ip: string, ua: string, linkId: string): number {
  return Number(Bun.hash.wyhash(`${salt}\n${ip}\n${ua}\n${linkId}`) % 100n)
}

function compile(text: string): Compiled {
  const s = JSON.parse(text) as SmartText
  let upTo = 0
  const utmQuery = s.u ? UTM_KEYS.flatMap((k) => (s.u![k] ? [`utm_${k}=${encodeURIComponent(s.u![k]!)}`] : [])).join('&') : ''
  return {
    rules: (s.r ?? []).map((r) => ({ tests: [...r.conditions].sort((a, b) => COST[a.type] - COST[b.type]).map(testOf), target: r.url })),
    variants: s.v ? s.v.map((v, i) => ({ upTo: (upTo += v.weight), key: VARIANT_KEYS[i]!, target: v.url })) : null,
    utmNames: s.u ? new Set(UTM_KEYS.filter((k) => s.u![k]).map((k) => `utm_${k}`)) : null,
    utmQuery,
    utmTargets: new Map(),
  }
}

/** What testing a condition costs, in order: a clock or the query, the address, headers, the user agent, the geo file. */
const COST: Record<Condition['type'], number> = { after: 0, before: 0, query: 1, ip: 2, language: 3, device: 4, os: 4, browser: 4, country: 5, city: 5 }

const lower = (values: readonly string[] | undefined) => new Set((values ?? []).map((v) => v.toLowerCase()))

function testOf(c: Condition): Test {
  switch (c.type) {
    case 'country': { const set = new Set(c.values); return (f) => set.has(placeOf(f).country) }
    case 'city': { const set = lower(c.values); return (f) => set.has(placeOf(f).city.toLowerCase()) }
    case 'device': { const set = lower(c.values); return (f) => set.has(agentOf(f).device.toLowerCase()) }
    case 'os': { const set = lower(c.values); return (f) => set.has(agentOf(f).os.toLowerCase()) }
    case 'browser': { const set = lower(c.values); return (f) => set.has(agentOf(f).browser.toLowerCase()) }
    case 'language': {
      const tags = [...lower(c.values)]
      return (f) => { const l = langOf(f); return l !== '' && tags.some((t) => l === t || l.startsWith(`${t}-`)) }
    }
    case 'after': { const at = Date.parse(c.at!); return () => Date.now() >= at }
    case 'before': { const at = Date.parse(c.at!); return () => Date.now() < at }
    case 'query': {
      const { param, equals } = c
      return (f) => { const p = paramsOf(f); return equals === undefined ? p.has(param!) : p.get(param!) === equals }
    }
    case 'ip': {
      // IPv4 blocks as (network, mask) pairs compared as integers; IPv6 (and IPv4-mapped) through a BlockList.
      const v4: [number, number][] = []
      const v6 = new BlockList()
      for (const v of c.values ?? []) {
        const [addr, bits] = v.split('/') as [string, string | undefined]
        if (isIP(addr) === 4) {
          const mask = bits === undefined || bits === '32' ? 0xffffffff : Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0
          v4.push([(ipv4Number(addr) & mask) >>> 0, mask])
          v6.addSubnet(addr, bits === undefined ? 32 : Number(bits), 'ipv4')
        } else v6.addSubnet(addr, bits === undefined ? 128 : Number(bits), 'ipv6')
      }
      return (f) => {
        const ip = ipOf(f)
        const n = ipv4Number(ip)
        if (n !== -1) return v4.some(([net, mask]) => ((n & mask) >>> 0) === net)
        return isIP(ip) === 6 && v6.check(ip, 'ipv6')
      }
    }
  }
}

/** A dotted IPv4 address as an unsigned integer; -1 for anything else. */
export function ipv4Number(ip: string): number {
  let n = 0
  let part = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i)
    if (c === 46) { // '.'
      if (digits === 0 || ++dots > 3) return -1
      n = n * 256 + part
      part = 0
      digits = 0
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48)
      digits++
      if (part > 255) return -1
    } else return -1
  }
  if (dots !== 3 || digits === 0) return -1
  return n * 256 + part
}

const ipOf = (f: Facts) => (f.ip ??= clientIp(f.deps.config.trustProxy, f.req, f.server))

function agentOf(f: Facts) {
  if (f.agent) return f.agent
  const ua = f.req.headers.get('user-agent') ?? ''
  if (ua.length > MAX_KEY) return (f.agent = parseAgent(ua))
  return (f.agent = agents.get(ua) ?? agents.set(ua, parseAgent(ua)))
}

function placeOf(f: Facts) {
  if (f.place) return f.place
  const enricher = f.deps.singleUseEnricher.get()
  let byIp = places.get(enricher)
  if (!byIp) places.set(enricher, byIp = new BoundedCache(16_384))
  const ip = ipOf(f)
  return (f.place = byIp.get(ip) ?? byIp.set(ip, enricher.locate(ip)))
}

/** The visitor's most preferred language tag, lower case; '' when none is sent. */
function langOf(f: Facts): string {
  if (f.lang !== undefined) return f.lang
  const header = f.req.headers.get('accept-language') ?? ''
  if (header.length > MAX_KEY) return (f.lang = preferredLanguage(header))
  return (f.lang = languages.get(header) ?? languages.set(header, preferredLanguage(header)))
}

export function preferredLanguage(header: string): string {
  let best = ''
  let bestQ = 0
  for (const part of header.split(',').slice(0, 20)) {
    const [tag, ...ps] = part.trim().split(';')
    const qp = ps.find((p) => p.trim().startsWith('q='))
    const q = qp ? Number(qp.trim().slice(2)) : 1
    if (tag && tag !== '*' && q > bestQ) { best = tag.toLowerCase(); bestQ = q }
  }
  return best
}

const paramsOf = (f: Facts) => (f.params ??= new URLSearchParams(f.query))

function dropNames(query: string, names: Set<string>): string {
  return query.split('&').filter((p) => {
    const eq = p.indexOf('=')
    let name = eq === -1 ? p : p.slice(0, eq)
    try { name = decodeURIComponent(name.replace(/\+/g, ' ')) } catch { /* kept as is */ }
    return !names.has(name)
  }).join('&')
}

/** The destination with the link's utm_* set (replacing the destination's own values for them). */
function withUtm(target: string, utmQuery: string): string {
  const url = new URL(target)
  for (const [k, v] of new URLSearchParams(utmQuery)) url.searchParams.set(k, v)
  return url.href
}
