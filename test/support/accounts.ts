// Test helpers for accounts: a registered user with a JWT, and an API key of theirs.
import { expect } from 'bun:test'
import type { Harness } from './harness'

let seq = 0

export async function newUser(h: Harness, email = `user${++seq}-${Date.now()}@x.test`, password = 'user-password-1') {
  const reg = await h.api('POST', '/api/auth/register', { key: null, body: { email, password } })
  expect(reg.status).toBe(201)
  const login = await h.api('POST', '/api/auth/login', { key: null, body: { email, password } })
  expect(login.status).toBe(200)
  return { id: reg.body.data.user.id as string, email, password, jwt: login.body.token as string }
}

export async function newKey(h: Harness, jwt: string, name = 'test key') {
  const r = await h.api('POST', '/api/v1/keys', { key: jwt, body: { name } })
  expect(r.status).toBe(201)
  return r.body.data as { id: string; name: string; key: string; keyPreview: string; createdAt: string }
}
