// The smart-link fields of a link (password, maxClicks, expiredUrl, og): their request and response
// schemas, their checks on write and how they are shown. Spread into model.ts's schemas; the service
// calls smartChanges() on create and update.
import { t } from 'elysia'
import type { Deps } from '../deps'
import type { LinkRow } from '../db/schema'
import { AppError } from '../errors'
import { checkDestination } from './destination'
import { destinationPolicy } from './service'
import type { OgTags } from '../redirect/smart-entry'

export const PASSWORD_LENGTH = { min: 4, max: 128 }
export const MAX_CLICKS_LIMIT = 1_000_000_000
const OG_LIMITS = { title: 200, description: 500, image: 2048 }

const og = t.Object({
  title: t.Optional(t.String({ maxLength: OG_LIMITS.title, description: 'og:title', examples: ['Spring sale: 30 % off'] })),
  description: t.Optional(t.String({ maxLength: OG_LIMITS.description, description: 'og:description', examples: ['Until Sunday, on every order.'] })),
  image: t.Optional(t.String({ maxLength: OG_LIMITS.image, description: 'og:image, an https URL', examples: ['https://example.com/sale.png'] })),
}, { description: 'Social preview tags served to link-preview crawlers (Slack, X, Facebook, LinkedIn, Discord, Telegram, WhatsApp, iMessage); null removes them' })

/** Request fields, on create and on update (null removes the setting). */
export const smartInputFields = {
  password: t.Optional(t.Nullable(t.String({
    description: `Visitors must enter this password (${PASSWORD_LENGTH.min}-${PASSWORD_LENGTH.max} characters; url links only). Never returned; stored as an argon2id hash. null removes it.`,
    examples: ['correct horse'],
  }))),
  maxClicks: t.Optional(t.Nullable(t.Integer({
    minimum: 1, maximum: MAX_CLICKS_LIMIT,
    description: 'Clicks after which the link is used up (exact across instances); null for no limit', examples: [100],
  }))),
  expiredUrl: t.Optional(t.Nullable(t.String({
    description: 'Where visitors go once the link expired or ran out of clicks, instead of a 410', examples: ['https://example.com/offer-ended'],
  }))),
  // (checked field by field in checkOg, so that each error names its field: og.title, og.image, …)
  og: t.Optional(t.Nullable(t.Record(t.String(), t.Unknown(), {
    description: `Social preview tags { title ≤ ${OG_LIMITS.title}, description ≤ ${OG_LIMITS.description}, image: an https URL } served to `
      + 'link-preview crawlers (Slack, X, Facebook, LinkedIn, Discord, Telegram, WhatsApp, iMessage); null removes them',
    examples: [{ title: 'Spring sale: 30 % off', description: 'Until Sunday, on every order.', image: 'https://example.com/sale.png' }],
  }))),
}
export type SmartInput = { password?: string | null; maxClicks?: number | null; expiredUrl?: string | null; og?: Record<string, unknown> | null }

/** Response fields. */
export const smartLinkFields = {
  hasPassword: t.Boolean({ description: 'Whether visitors must enter a password (the password is never returned)' }),
  maxClicks: t.Nullable(t.Number({ description: 'Click limit; null for none', examples: [100] })),
  clicksLeft: t.Nullable(t.Number({ description: 'Uses left before the link is used up; null without maxClicks', examples: [58] })),
  expiredUrl: t.Nullable(t.String({ examples: ['https://example.com/offer-ended'] })),
  og: t.Nullable(og),
}

type SmartColumns = Pick<LinkRow, 'passwordHash' | 'maxClicks' | 'expiredUrl' | 'og'>

/** The column changes that `input` asks for, each checked (400 VALIDATION_ERROR / INVALID_URL with its field). */
export async function smartChanges(deps: Deps, input: SmartInput, kind: LinkRow['kind']): Promise<Partial<SmartColumns>> {
  const out: Partial<SmartColumns> = {}
  if (input.password !== undefined) {
    if (input.password === null) out.passwordHash = null
    else {
      const pw = input.password
      if (kind !== 'url') throw new AppError('VALIDATION_ERROR', 'Only url links can have a password', { field: 'password' })
      if (pw.length < PASSWORD_LENGTH.min || pw.length > PASSWORD_LENGTH.max)
        throw new AppError('VALIDATION_ERROR', `password must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`, { field: 'password' })
      out.passwordHash = await Bun.password.hash(pw, { algorithm: 'argon2id' })
    }
  }
  if (input.maxClicks !== undefined) {
    const n = input.maxClicks
    if (n !== null && (!Number.isInteger(n) || n < 1 || n > MAX_CLICKS_LIMIT))
      throw new AppError('VALIDATION_ERROR', `maxClicks must be a whole number from 1 to ${MAX_CLICKS_LIMIT}`, { field: 'maxClicks' })
    out.maxClicks = n
  }
  if (input.expiredUrl !== undefined)
    out.expiredUrl = input.expiredUrl === null ? null : checkDestination(input.expiredUrl, destinationPolicy(deps), 'expiredUrl')
  if (input.og !== undefined) out.og = input.og === null ? null : checkOg(input.og)
  return out
}

function checkOg(og: Record<string, unknown>): OgTags | null {
  if (typeof og !== 'object' || Array.isArray(og)) throw new AppError('VALIDATION_ERROR', 'og must be an object', { field: 'og' })
  const unknown = Object.keys(og).find((k) => !(k in OG_LIMITS))
  if (unknown !== undefined) throw new AppError('VALIDATION_ERROR', `og.${unknown} is not a preview tag: use title, description, image`, { field: `og.${unknown}` })
  const out: OgTags = {}
  for (const key of ['title', 'description', 'image'] as const) {
    const v = og[key]
    if (v === undefined || v === null) continue
    const field = `og.${key}`
    if (typeof v !== 'string') throw new AppError('VALIDATION_ERROR', `${field} must be a string`, { field })
    if (/[\u0000-\u001F\u007F]/.test(v)) throw new AppError('VALIDATION_ERROR', `${field} must not contain control characters`, { field })
    const value = v.trim()
    if (value.length > OG_LIMITS[key]) throw new AppError('VALIDATION_ERROR', `${field} is longer than ${OG_LIMITS[key]} characters`, { field })
    if (key === 'image' && value) {
      if (!URL.canParse(value) || new URL(value).protocol !== 'https:' || !new URL(value).hostname)
        throw new AppError('VALIDATION_ERROR', 'og.image must be an https URL', { field })
      out.image = new URL(value).href
    } else if (value) out[key] = value
  }
  return Object.keys(out).length === 0 ? null : out
}

/** How a link's smart fields are shown. */
export function presentSmart(row: LinkRow) {
  return {
    hasPassword: row.passwordHash !== null,
    maxClicks: row.maxClicks,
    clicksLeft: row.maxClicks === null ? null : Math.max(0, row.maxClicks - row.uses),
    expiredUrl: row.expiredUrl,
    og: (row.og as OgTags | null) ?? null,
  }
}
