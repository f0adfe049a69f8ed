// The smart fields of a link as its cached entry carries them: one compact JSON text, or null for
// a link with none (which then takes the plain path: a single null check per visit).
import type { AbTest, Rule, Utm } from './model'

/** The stored text: rules, variants' urls and weights, UTM values; only the parts the link has. */
export type SmartText = { r?: Rule[]; v?: AbTest['variants']; u?: Utm }

export function smartTextOf(row: { kind: string; rules?: unknown; abTest?: unknown; utm?: unknown }): string | null {
  if (row.kind !== 'url') return null
  const s: SmartText = {}
  const rules = row.rules as Rule[] | null | undefined
  const ab = row.abTest as AbTest | null | undefined
  const utm = row.utm as Utm | null | undefined
  if (rules?.length) s.r = rules
  if (ab?.variants?.length) s.v = ab.variants
  if (utm && Object.keys(utm).length) s.u = utm
  return s.r || s.v || s.u ? JSON.stringify(s) : null
}
