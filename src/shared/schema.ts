// Schema helpers shared by every feature's model.
import { t } from 'elysia'

/**
 * An enum of strings. Elysia's t.UnionEnum sets `default` to its first value, which silently fills
 * an optional field (a PATCH without `status` would become status ACTIVE): this one has no default.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, options: { description?: string } = {}) {
  const schema = t.UnionEnum(values, options)
  delete (schema as { default?: unknown }).default
  return schema
}
