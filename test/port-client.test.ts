// The package's typed client: one import, every route typed, and it talks to a real server.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createKurzClient } from 'kurz'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import type { Running } from '../src/server'

let h: Harness
let server: Running
beforeAll(async () => { h = await createHarness(); server = await h.listen() }, SETUP_TIMEOUT)
afterAll(async () => { await h.close() }, SETUP_TIMEOUT)

test('createKurzClient creates and reads a link with typed bodies and answers', async () => {
  const kurz = createKurzClient(server.url, h.adminKey)
  const { data, error } = await kurz.api.v1.links.post({ url: 'https://example.com/typed', slug: 'typed-client' })
  expect(error).toBeNull()
  const shortUrl: string = data!.data.shortUrl
  expect(shortUrl).toEndWith('/typed-client')
  // @ts-expect-error a body field the route does not take is a compile error
  const wrong = () => kurz.api.v1.links.post({ url: 'https://example.com', nope: 1 })
  expect(typeof wrong).toBe('function')
  const got = await kurz.api.v1.links({ idOrSlug: 'typed-client' }).get()
  expect(got.data?.data.originalUrl).toBe('https://example.com/typed')
})
