// A Postman v2.1 collection made from the OpenAPI document: one request per operation, in one
// folder per tag, with `{{base_url}}` (the service's origin) and `{{api_key}}` as variables.
type Json = Record<string, any>

export const POSTMAN_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options']

/** An example body for a request: the schema's own example, else one built from its properties. */
function exampleOf(schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 4) return undefined
  if (schema.example !== undefined) return schema.example
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0]
  if (schema.default !== undefined) return schema.default
  if (schema.anyOf) return exampleOf(schema.anyOf[0], depth + 1)
  if (schema.type === 'object' || schema.properties) {
    const required = new Set<string>(schema.required ?? [])
    return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Json>)
      .filter(([name]) => required.has(name) || depth === 0)
      .map(([name, s]) => [name, exampleOf(s, depth + 1)]))
  }
  if (schema.type === 'array') return []
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1
  if (schema.type === 'boolean') return false
  if (schema.enum) return schema.enum[0]
  if (schema.format === 'uri') return 'https://example.com'
  return ''
}

function requestOf(path: string, method: string, op: Json) {
  const segments = path.split('/').filter(Boolean).map((s) => s.replace(/^\{(.+)\}$/, ':$1'))
  const params = (op.parameters ?? []) as Json[]
  const query = params.filter((p) => p.in === 'query').map((p) => ({ key: p.name, value: String(exampleOf(p.schema) ?? ''), disabled: !p.required, description: p.description ?? p.schema?.description }))
  const variable = params.filter((p) => p.in === 'path').map((p) => ({ key: p.name, value: '', description: p.schema?.description ?? p.description }))
  const header: Json[] = []
  const json = op.requestBody?.content?.['application/json']?.schema as Json | undefined
  if (json) header.push({ key: 'Content-Type', value: 'application/json' })
  const isPublic = Array.isArray(op.security) && op.security.length === 0
  const raw = `{{base_url}}/${segments.join('/')}${query.length ? `?${query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`).join('&')}` : ''}`
  return {
    name: op.summary ?? `${method.toUpperCase()} ${path}`,
    request: {
      method: method.toUpperCase(),
      header,
      ...(isPublic ? { auth: { type: 'noauth' } } : {}),
      url: { raw, host: ['{{base_url}}'], path: segments, ...(query.length ? { query } : {}), ...(variable.length ? { variable } : {}) },
      ...(json ? { body: { mode: 'raw', raw: JSON.stringify(exampleOf(json) ?? {}, null, 2), options: { raw: { language: 'json' } } } } : {}),
      description: op.description ?? '',
    },
  }
}

export function collectionOf(doc: Json, baseUrl: string) {
  const folders = new Map<string, Json[]>()
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined
      if (!op) continue
      const tag = (op.tags?.[0] as string | undefined) ?? 'Other'
      folders.set(tag, [...(folders.get(tag) ?? []), requestOf(path, method, op)])
    }
  }
  return {
    info: {
      name: doc.info?.title ?? 'Kurz API',
      description: `${doc.info?.description ?? ''}\n\nSet base_url to the service's origin and api_key to an API key (sk_live_…).`,
      schema: POSTMAN_SCHEMA,
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{api_key}}', type: 'string' }] },
    variable: [
      { key: 'base_url', value: baseUrl, type: 'string' },
      { key: 'api_key', value: 'sk_live_your_key_here', type: 'string' },
    ],
    item: [...folders].map(([name, item]) => ({ name, item })),
  }
}
