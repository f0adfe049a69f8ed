// Plain words for a schema violation, from the schema itself: TypeBox's own summary says
// "Expected kind 'UnionEnum'" for an unknown enum value, "should be one of: 'string', 'null'"
// for a string that is too long, and "Expected property 'name' to be string but found: undefined"
// for a missing one.
type Schema = {
  enum?: unknown[]; anyOf?: Schema[]; type?: string; format?: string
  minLength?: number; maxLength?: number; minItems?: number; maxItems?: number
}
export type ValueError = { schema?: Schema; value?: unknown; summary?: string; message?: string }

export function validationMessage(e: ValueError | undefined): string {
  const schema = e?.schema
  if (schema?.enum) return `must be one of ${schema.enum.join(', ')}`
  if (e && 'value' in e && e.value === undefined) return 'is required'
  const text = typeof e?.value === 'string' ? e.value : null
  const string = schema?.type === 'string' ? schema : schema?.anyOf?.find((s) => s.type === 'string')
  if (text !== null && string) {
    if (string.maxLength !== undefined && text.length > string.maxLength) return `must be at most ${string.maxLength} characters`
    if (string.minLength !== undefined && text.length < string.minLength)
      return string.minLength === 1 ? 'must not be empty' : `must be at least ${string.minLength} characters`
    if (string.format === 'email') return 'must be an email address'
  }
  if (Array.isArray(e?.value) && schema?.type === 'array') {
    const n = e.value.length
    if (schema.minItems !== undefined && n < schema.minItems) return `must have at least ${items(schema.minItems)}`
    if (schema.maxItems !== undefined && n > schema.maxItems) return `must have at most ${items(schema.maxItems)}`
  }
  const expected = schema?.type
  if (expected && KIND[expected] && !fits(expected, e?.value)) return `must be ${KIND[expected]}`
  return e?.summary ?? e?.message ?? 'is invalid'
}

const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`

const KIND: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object',
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'integer': return Number.isInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'array': return Array.isArray(value)
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value)
    default: return true
  }
}
