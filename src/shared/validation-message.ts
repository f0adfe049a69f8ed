// Plain words for a schema violation, from the schema itself: TypeBox's own summary says
// "Expected kind 'UnionEnum'" for an unknown enum value and "should be one of: 'string', 'null'"
// for a string that is too long.
type Schema = { enum?: unknown[]; anyOf?: Schema[]; type?: string; minLength?: number; maxLength?: number }
export type ValueError = { schema?: Schema; value?: unknown; summary?: string; message?: string }

export function validationMessage(e: ValueError | undefined): string {
  const schema = e?.schema
  if (schema?.enum) return `must be one of ${schema.enum.join(', ')}`
  const text = typeof e?.value === 'string' ? e.value : null
  const string = schema?.type === 'string' ? schema : schema?.anyOf?.find((s) => s.type === 'string')
  if (text !== null && string) {
    if (string.maxLength !== undefined && text.length > string.maxLength) return `must be at most ${string.maxLength} characters`
    if (string.minLength !== undefined && text.length < string.minLength) return `must be at least ${string.minLength} characters`
  }
  return e?.summary ?? e?.message ?? 'is invalid'
}
