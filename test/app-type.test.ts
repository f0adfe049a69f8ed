// The App type that a typed client (Eden Treaty) is built from keeps the API's routes, their
// inputs and their answers: checked by the compiler (tsc), with one runtime assertion to run.
import { expect, test } from 'bun:test'
import type { Routes } from '../src/client'

type LinkCreate = Routes['api']['v1']['links']['post']
type Created = LinkCreate['response'][201]

test('the App type carries each route, its body and its answer', () => {
  const body: LinkCreate['body'] = { originalUrl: 'https://example.com' }
  // @ts-expect-error an answer without the link's data is not what POST /api/v1/links returns
  const wrong: Created = { success: true }
  const shortUrl = (c: Created) => c.data.shortUrl
  expect(typeof shortUrl).toBe('function')
  expect(body.originalUrl).toBe('https://example.com')
  expect(wrong.success).toBe(true)
})
