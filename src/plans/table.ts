// Plans are configuration, not code: this is the default table (Free, Core, Pro, Business), replaceable by PLANS_FILE.

export type Plan = Readonly<{
  name: string
  priceMonthly: number
  linkLimit: number
  clickLimit: number
  rateLimitPerMinute: number
  bulkLimit: number
  /** Longest expiry in seconds; null means any, including `never`. */
  maxExpirySeconds: number | null
  typedLinks: boolean
  domainLimit: number
  /**
   * Requests a minute of all the account's keys and sessions together: without it every new key
   * would bring another rateLimitPerMinute.
   */
  accountRateLimitPerMinute: number
  /** API keys an account may hold at once. */
  keyLimit: number
}>

const DAY = 86_400
/** A plans file without accountRateLimitPerMinute gets this many times rateLimitPerMinute. */
export const ACCOUNT_RATE_MULTIPLE = 3
/** A plans file without keyLimit gets this many keys per account. */
export const DEFAULT_KEY_LIMIT = 10

export const DEFAULT_PLANS: readonly Plan[] = Object.freeze([
  plan('Free', 0, 50, 1_000, 30, 10, 7 * DAY, false, 0, 90, 5),
  plan('Core', 8, 100, 10_000, 120, 50, 365 * DAY, true, 1, 360, 10),
  plan('Pro', 20, 1_000, 100_000, 200, 100, null, true, 10, 600, 20),
  plan('Business', 100, 100_000, 10_000_000, 1_000, 1_000, null, true, 100, 3_000, 50),
])

function plan(
  name: string, priceMonthly: number, linkLimit: number, clickLimit: number,
  rateLimitPerMinute: number, bulkLimit: number, maxExpirySeconds: number | null,
  typedLinks: boolean, domainLimit: number,
  accountRateLimitPerMinute = ACCOUNT_RATE_MULTIPLE * rateLimitPerMinute, keyLimit = DEFAULT_KEY_LIMIT,
): Plan {
  return Object.freeze({
    name, priceMonthly, linkLimit, clickLimit, rateLimitPerMinute, bulkLimit,
    maxExpirySeconds, typedLinks, domainLimit, accountRateLimitPerMinute, keyLimit,
  })
}

/** Fields a plans file may leave out: their defaults follow from the others. */
const OPTIONAL_NUMBER_FIELDS = ['accountRateLimitPerMinute', 'keyLimit'] as const

const NUMBER_FIELDS = ['priceMonthly', 'linkLimit', 'clickLimit', 'rateLimitPerMinute', 'bulkLimit', 'domainLimit'] as const

/** Validates a PLANS_FILE document: an array of plans, cheapest first. */
export function parsePlans(doc: unknown): Plan[] {
  if (!Array.isArray(doc) || doc.length === 0) throw new Error('must be a non-empty JSON array of plans')
  const seen = new Set<string>()
  return doc.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw new Error(`plan ${i} is not an object`)
    const p = raw as Record<string, unknown>
    if (typeof p.name !== 'string' || !p.name) throw new Error(`plan ${i} needs a name`)
    if (seen.has(p.name.toLowerCase())) throw new Error(`plan ${p.name} is listed twice`)
    seen.add(p.name.toLowerCase())
    for (const f of NUMBER_FIELDS)
      if (typeof p[f] !== 'number' || !(p[f] as number >= 0)) throw new Error(`plan ${p.name}: ${f} must be a number ≥ 0`)
    for (const f of OPTIONAL_NUMBER_FIELDS)
      if (p[f] !== undefined && !(Number.isInteger(p[f]) && (p[f] as number) >= 0)) throw new Error(`plan ${p.name}: ${f} must be a whole number ≥ 0`)
    const maxExpiry = p.maxExpirySeconds ?? null
    if (maxExpiry !== null && (typeof maxExpiry !== 'number' || maxExpiry <= 0))
      throw new Error(`plan ${p.name}: maxExpirySeconds must be a positive number or null`)
    return plan(
      p.name, p.priceMonthly as number, p.linkLimit as number, p.clickLimit as number,
      p.rateLimitPerMinute as number, p.bulkLimit as number, maxExpiry as number | null,
      Boolean(p.typedLinks), p.domainLimit as number,
      p.accountRateLimitPerMinute as number | undefined, p.keyLimit as number | undefined,
    )
  })
}

export function findPlan(plans: readonly Plan[], name: string): Plan {
  return plans.find((p) => p.name.toLowerCase() === name.toLowerCase()) ?? plans[0]
}

/** The plan an upgrade recommendation points at: the next one up, or null at the top. */
export function nextPlan(plans: readonly Plan[], current: Plan): Plan | null {
  const i = plans.findIndex((p) => p.name === current.name)
  return i >= 0 && i + 1 < plans.length ? plans[i + 1] : null
}
