// GET /postman.json: a Postman v2.1 collection with every operation of the live OpenAPI document.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import type { Running } from '../src/server'

let h: Harness
let server: Running
beforeAll(async () => { h = await createHarness(); server = await h.listen() }, SETUP_TIMEOUT)
afterAll(async () => { await h.close() }, SETUP_TIMEOUT)

type Item = { name: string; item?: Item[]; request?: { method: string; url: { raw: string; path: string[] }; auth?: { type: string } } }

test('the collection is v2.1, with base_url and api_key, and holds every operation of /openapi.json', async () => {
  const res = await fetch(`${server.url}/postman.json`) // through Bun's router, not the redirect handler
  expect(res.status).toBe(200)
  const c = await res.json() as { info: { schema: string }; variable: { key: string; value: string }[]; auth: any; item: Item[] }
  expect(c.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json')
  expect(c.variable.map((v) => v.key).sort()).toEqual(['api_key', 'base_url'])
  expect(c.auth.bearer[0].value).toBe('{{api_key}}')
  const requests = c.item.flatMap((f) => f.item ?? []).map((i) => i.request!)
  const have = new Set(requests.map((r) => `${r.method} /${r.url.path.map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`))
  const doc = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> }
  const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`))
  expect(ops.length).toBeGreaterThan(30)
  for (const op of ops) expect(have.has(op) ? op : `missing ${op}`).toBe(op)
  expect(requests.every((r) => r.url.raw.startsWith('{{base_url}}/'))).toBe(true)
  expect(requests.find((r) => r.method === 'GET' && r.url.raw === '{{base_url}}/health')?.auth?.type).toBe('noauth')
})
