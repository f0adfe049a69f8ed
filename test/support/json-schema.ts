// A small JSON Schema checker for the subset the OpenAPI document uses, so tests can check answers
// (and requests) against the document as a client would, not against the server's own TypeBox objects.
type Schema = Record<string, any>

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v

function typeMatches(type: string, v: unknown): boolean {
  const actual = typeOf(v)
  return type === actual || (type === 'number' && actual === 'integer')
}

/** The first mismatch as `path: reason`, or null when `value` fits `schema`. */
export function schemaError(schema: Schema | undefined, value: unknown, path = '$'): string | null {
  if (!schema || typeof schema !== 'object') return null
  if (schema.anyOf || schema.oneOf) {
    const options: Schema[] = schema.anyOf ?? schema.oneOf
    if (!options.some((s) => schemaError(s, value, path) === null)) return `${path}: fits none of ${options.length} options`
  }
  for (const s of schema.allOf ?? []) {
    const e = schemaError(s, value, path)
    if (e) return e
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (schema.nullable && value === null) return null
    if (!types.some((t) => typeMatches(t, value))) return `${path}: ${JSON.stringify(value)?.slice(0, 80)} is not ${types.join('|')}`
  }
  if ('const' in schema && value !== schema.const) return `${path}: is not ${JSON.stringify(schema.const)}`
  if (schema.enum && !schema.enum.includes(value)) return `${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${path}: shorter than ${schema.minLength}`
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${path}: longer than ${schema.maxLength}`
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return `${path}: does not match ${schema.pattern}`
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${path}: below ${schema.minimum}`
    if (schema.maximum !== undefined && value > schema.maximum) return `${path}: above ${schema.maximum}`
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${path}: fewer than ${schema.minItems} items`
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path}: more than ${schema.maxItems} items`
    for (let i = 0; i < value.length; i++) {
      const e = schemaError(schema.items, value[i], `${path}[${i}]`)
      if (e) return e
    }
  }
  if (typeOf(value) === 'object') return objectError(schema, value as Record<string, unknown>, path)
  return null
}

function objectError(schema: Schema, value: Record<string, unknown>, path: string): string | null {
  for (const key of schema.required ?? []) if (!(key in value)) return `${path}.${key}: is required`
  const properties: Schema = schema.properties ?? {}
  const patterns = Object.entries((schema.patternProperties ?? {}) as Schema).map(([p, s]) => [new RegExp(p, 'u'), s] as const)
  for (const [key, v] of Object.entries(value)) {
    if (key in properties) {
      const e = schemaError(properties[key], v, `${path}.${key}`)
      if (e) return e
      continue
    }
    const byPattern = patterns.find(([re]) => re.test(key))
    if (byPattern) {
      const e = schemaError(byPattern[1], v, `${path}.${key}`)
      if (e) return e
      continue
    }
    if (schema.additionalProperties === false) return `${path}.${key}: is not allowed`
    if (typeof schema.additionalProperties === 'object') {
      const e = schemaError(schema.additionalProperties, v, `${path}.${key}`)
      if (e) return e
    }
  }
  return null
}
