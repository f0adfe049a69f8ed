// The smart-link fields of a create or update, checked, as the columns they are stored in.
// Left out: unchanged; null: removed. Only `url` links route, test or carry UTM values.
import type { Deps } from '../deps'
import type { Caller } from '../auth/caller'
import type { links } from '../db/schema'
import { AppError } from '../errors'
import { destinationPolicy } from '../links/destination'
import { checkOwnTagIds } from '../tags/service'
import { checkAbTest, checkRules, checkUtm } from './check'
import type { AbTest, Rule, Utm } from './model'

export type SmartInput = { rules?: Rule[] | null; abTest?: AbTest | null; utm?: Utm | null; tagIds?: string[] }

export async function smartColumns(deps: Deps, caller: Caller, input: SmartInput, kind: string): Promise<Partial<typeof links.$inferInsert>> {
  const out: Partial<typeof links.$inferInsert> = {}
  for (const field of ['rules', 'abTest', 'utm'] as const) {
    if (kind !== 'url' && input[field]) throw new AppError('VALIDATION_ERROR', `A ${kind} link has no ${field}`, { field })
  }
  const policy = () => destinationPolicy(deps)
  if (input.rules !== undefined) out.rules = input.rules?.length ? checkRules(input.rules, policy()) : null
  if (input.abTest !== undefined) out.abTest = input.abTest ? checkAbTest(input.abTest, policy()) : null
  if (input.utm !== undefined) out.utm = input.utm ? checkUtm(input.utm) : null
  if (input.tagIds !== undefined) out.tagIds = await checkOwnTagIds(deps, caller.userId, input.tagIds)
  return out
}
