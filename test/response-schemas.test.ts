// Answers are checked against their schemas, not re-encoded: one transform (Elysia's t.Integer,
// t.Numeric, t.Date…) anywhere in a route's response schema makes Elysia encode every answer of
// that route value by value, which cost a page of 100 links a millisecond of CPU.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { hasTransform } from 'elysia/schema'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'

describe('response schemas', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('no route answers through a schema that holds a transform', () => {
    const offenders: string[] = []
    let checked = 0
    for (const r of h.app.routes) {
      const response = (r.hooks as { response?: Record<string, unknown> } | undefined)?.response
      if (!response || typeof response !== 'object') continue
      for (const [status, schema] of Object.entries(response)) {
        if (!schema || typeof schema !== 'object') continue
        checked++
        if (hasTransform(schema as never)) offenders.push(`${r.method} ${r.path} ${status}`)
      }
    }
    expect(checked).toBeGreaterThan(50)
    expect(offenders).toEqual([])
  })
})
