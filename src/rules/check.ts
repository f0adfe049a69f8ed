// Checks the smart-link fields on write: each field named in its error, every destination checked
// like originalUrl. What passes is stored as given (normalised) and cached with the link's entry.
import { isIP } from 'node:net'
import { AppError } from '../errors'
import { checkDestination, type DestinationPolicy } from '../links/destination'
import type { AbTest, Condition, Rule, Utm } from './model'
import { UTM_KEYS } from './model'

const fail = (field: string, message: string): never => { throw new AppError('VALIDATION_ERROR', message, { field }) }

export function checkRules(rules: Rule[], policy: DestinationPolicy): Rule[] {
  return rules.map((r, i) => ({
    conditions: r.conditions.map((c, j) => checkCondition(c, `rules[${i}].conditions[${j}]`)),
    url: checkDestination(r.url, policy, `rules[${i}].url`),
  }))
}

function checkCondition(c: Condition, field: string): Condition {
  switch (c.type) {
    case 'after': case 'before': {
      const at = c.at === undefined ? Number.NaN : Date.parse(c.at)
      if (!Number.isFinite(at)) fail(`${field}.at`, `${field}.at must be an ISO 8601 instant`)
      return { type: c.type, at: new Date(at).toISOString() }
    }
    case 'query':
      if (!c.param) fail(`${field}.param`, `${field}.param is required for a query condition`)
      return c.equals === undefined ? { type: 'query', param: c.param } : { type: 'query', param: c.param, equals: c.equals }
    default: {
      const values = c.values ?? fail(`${field}.values`, `${field}.values is required for a ${c.type} condition`)
      if (c.type === 'country') for (const v of values) if (!/^[A-Za-z]{2}$/.test(v)) fail(`${field}.values`, `${v} is not an ISO 3166 country code`)
      if (c.type === 'language') for (const v of values) if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(v)) fail(`${field}.values`, `${v} is not a language tag`)
      if (c.type === 'ip') for (const v of values) if (!isCidr(v)) fail(`${field}.values`, `${v} is not an address or CIDR block`)
      return { type: c.type, values: c.type === 'country' ? values.map((v) => v.toUpperCase()) : values }
    }
  }
}

export function isCidr(v: string): boolean {
  const [addr, bits, extra] = v.split('/')
  const version = isIP(addr ?? '')
  if (version === 0 || extra !== undefined) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return false
  return Number(bits) <= (version === 4 ? 32 : 128)
}

export function checkAbTest(ab: AbTest, policy: DestinationPolicy): AbTest {
  const sum = ab.variants.reduce((s, v) => s + v.weight, 0)
  if (sum !== 100) fail('abTest.variants', `The variants' weights sum to ${sum}, not 100`)
  return { variants: ab.variants.map((v, i) => ({ url: checkDestination(v.url, policy, `abTest.variants[${i}].url`), weight: v.weight })) }
}

/** Only the keys given, trimmed; none at all is no UTM. */
export function checkUtm(utm: Utm, field = 'utm'): Utm | null {
  const out: Utm = {}
  for (const k of UTM_KEYS) {
    const v = utm[k]?.trim()
    if (utm[k] !== undefined && !v) fail(`${field}.${k}`, `${field}.${k} must not be blank`)
    if (v) out[k] = v
  }
  return Object.keys(out).length ? out : null
}
