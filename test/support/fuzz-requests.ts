// Requests derived from the live OpenAPI document, for the fuzz suite: valid ones, and ones with
// fields missing or extra, wrong types, huge and deeply nested values, NUL/CR/LF, bad encodings and
// every form of credentials. Generated with fast-check from a seed, so a run can be repeated.
import fc from 'fast-check'

type Schema = Record<string, any>
export type Operation = { method: string; path: string; op: Schema }
export type FuzzRequest = { method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array; kind: string }
export type Pools = { ids: string[]; credentials: Record<string, string | null> }

/**
 * Nested values go up to this depth (FUZZ_NESTING_DEPTH, default 64): past a body's nesting limit the
 * server must refuse them with 400. Far deeper bodies (100,000 levels) are the body parser's own test.
 */
export const NESTING_DEPTH = Number(process.env.FUZZ_NESTING_DEPTH ?? 64)

const WEIRD = ['\u0000', '\r\n', '\n', '\r', '%00', '%0D%0A', '\uFFFF', '\uD800', '😀', '../../etc/passwd', '<script>', "'; drop table links;--", ' ', '']
const weirdString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...WEIRD),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...WEIRD), fc.string({ maxLength: 10 })).map(([a, w, b]) => a + w + b),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
)
const anyJson = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), weirdString, fc.constant([]), fc.constant({}),
  fc.constant(1e308), fc.constant(-1), fc.constant(Number.MAX_SAFE_INTEGER + 2))
/** Percent-encodes, lone surrogates as the bytes of U+FFFD (encodeURIComponent refuses them). */
const encode = (s: string) => encodeURIComponent(s.toWellFormed())
const nested = (depth: number, leaf: unknown) => {
  let v: unknown = leaf
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}

/** A value that fits `schema` (good URLs where a URL is meant). */
function validValue(schema: Schema | undefined, name = ''): fc.Arbitrary<unknown> {
  if (!schema) return anyJson
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s: Schema) => validValue(s, name)))
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if ('const' in schema) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'string':
      if (/url/i.test(name)) return fc.constantFrom('https://example.com/a', 'https://example.org/x?y=1#z', 'http://sub.example.net/')
      if (/email/i.test(name) || schema.format === 'email') return fc.constantFrom('fuzz@kurz.test', 'someone@example.com')
      if (name === 'expiresIn') return fc.constantFrom('30m', '1h', '7d', 'never', '1y')
      if (/slug/i.test(name)) return fc.stringMatching(/^[A-Za-z0-9_-]{7,20}$/)
      return fc.string({ minLength: Math.max(1, schema.minLength ?? 0), maxLength: Math.min(schema.maxLength ?? 40, 40) })
    case 'integer': case 'number':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1000) })
    case 'boolean': return fc.boolean()
    case 'array': return fc.array(validValue(schema.items, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) })
    case 'object': return validObject(schema)
    default: return anyJson
  }
}

function validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries((schema.properties ?? {}) as Schema)
  if (props.length === 0) return fc.constant({})
  const record = Object.fromEntries(props.map(([k, s]) => [k, validValue(s, k)]))
  return fc.record(record, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<Record<string, unknown>>
}

/** A valid body, then one of the mutations (or none). */
function bodyOf(schema: Schema | undefined): fc.Arbitrary<{ body?: string | Uint8Array; kind: string; type?: string }> {
  const valid: fc.Arbitrary<Record<string, unknown>> = schema ? validObject(schema) : fc.constant({})
  const json = (kind: string) => (v: unknown) => ({ body: JSON.stringify(v), kind })
  const keys = Object.keys(schema?.properties ?? {})
  return fc.oneof(
    { weight: 4, arbitrary: valid.map(json('valid')) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...(keys.length ? keys : ['x']))).map(([v, k]) => { delete v[k]; return v }).map(json('missing field')) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.string({ maxLength: 12 }), anyJson).map(([v, k, x]) => ({ ...v, [k || 'extra']: x })).map(json('extra field')) },
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom(...(keys.length ? keys : ['x'])), anyJson).map(([v, k, x]) => ({ ...v, [k]: x })).map(json('wrong type')) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...(keys.length ? keys : ['x'])), fc.integer({ min: 1, max: NESTING_DEPTH })).map(([v, k, d]) => ({ ...v, [k]: nested(d, 'x') })).map(json('deeply nested')) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...(keys.length ? keys : ['x']))).map(([v, k]) => ({ ...v, [k]: 'y'.repeat(100_000) })).map(json('huge value')) },
    { weight: 1, arbitrary: fc.constantFrom('[]', '1', '"s"', 'null', '', '{', '{"a":', '{"a":1}}', '\u0000', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}').map((b) => ({ body: b, kind: 'not an object' })) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({ body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, ...b, 0x22, 0x7d]), kind: 'invalid UTF-8' })) },
  )
}

function pathValue(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pools.ids).map(encode) },
    { weight: 2, arbitrary: weirdString.map((s) => encode(s.slice(0, 300)) || 'x') },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%C3%28', '%FF%FE', '%E0%80%80', '%00', '%0D%0Ax-injected:%201', '..%2F..', 'a%2Fb') },
  )
}

function queryOf(params: Schema[]): fc.Arbitrary<string> {
  const q = params.filter((p) => p.in === 'query')
  const valid = fc.record(Object.fromEntries(q.map((p) => [p.name, validValue(p.schema?.anyOf?.[1] ?? p.schema, p.name).map(String)])), { requiredKeys: [] })
  const pairs = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${encode(k)}=${encode(String(v))}`)
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((o) => pairs(o).join('&')) },
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom(...(q.length ? q.map((p) => p.name) : ['x'])), weirdString).map(([o, k, v]) => pairs({ ...o, [k]: v.slice(0, 2000) }).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('page=%zz', 'size=%C3%28', 'x=%00', 'a=1&a=2&a=3', 'size=1e3', 'page=-0', 'limit=0x10', '%=%', 'status=active') },
  )
}

export function requestsFor(ops: Operation[], pools: Pools): fc.Arbitrary<FuzzRequest> {
  const credentialNames = Object.keys(pools.credentials)
  // Password hashing (argon2) makes these a hundred times dearer than the rest: a smaller share.
  const dear = (o: Operation) => /^\/api\/auth\/(register|login|token|reset-password)$/.test(o.path)
  const pick = fc.oneof(...ops.map((o) => ({ weight: dear(o) ? 1 : 10, arbitrary: fc.constant(o) })))
  return pick.chain(({ method, path, op }) => {
    const params: Schema[] = op.parameters ?? []
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    const bodySchema = op.requestBody?.content?.['application/json']?.schema
    return fc.record({
      values: fc.tuple(...names.map(() => pathValue(pools)), fc.constant('')),
      query: queryOf(params),
      body: method === 'GET' || method === 'HEAD' ? fc.constant<{ body?: string | Uint8Array; kind: string }>({ kind: 'no body' }) : bodyOf(bodySchema),
      credential: fc.constantFrom(...credentialNames),
      contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
    }).map(({ values, query, body, credential, contentType }) => {
      let i = 0
      const filled = path.replace(/\{\w+\}/g, () => values[i++] as string)
      const headers: Record<string, string> = {}
      const cred = pools.credentials[credential]
      if (cred !== null) Object.assign(headers, JSON.parse(cred))
      if (body.body !== undefined) headers['content-type'] = contentType
      return { method, path: query ? `${filled}?${query}` : filled, headers, body: body.body, kind: `${body.kind}, ${credential}` }
    })
  })
}
