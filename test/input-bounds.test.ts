// Bad input is a 400 naming the field and saying what is allowed, never a 500: U+0000 in text
// (PostgreSQL text cannot hold it), paging past what an offset can be, enums and lengths.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'

describe('bad input', () => {
  let h: Harness
  beforeAll(async () => { h = await createHarness() }, SETUP_TIMEOUT)
  afterAll(() => h.close())

  test.each([
    ['a path id', 'GET', '/api/v1/webhooks/whk_a%00b', undefined, 'id'],
    ['a link id', 'DELETE', '/api/v1/links/a%00b', undefined, 'idOrSlug'],
    ['a query parameter', 'GET', '/api/v1/links?search=a%00b', undefined, 'search'],
    ['a body field', 'POST', '/api/v1/keys', { name: 'a\u0000b' }, 'name'],
    ['a field deep in a bulk body', 'POST', '/api/v1/links/bulk', { links: [{ url: 'https://example.com/nul-ok' }, { url: 'https://example.com/nul', title: 'a\u0000b' }] }, 'links.1.title'],
    ['a login email, without credentials', 'POST', '/api/auth/login', { email: 'a\u0000b@x.test', password: '12345678' }, 'email'],
  ])('in %s is a 400 VALIDATION_ERROR naming the field', async (_, method, path, body, field) => {
    const r = await h.api(method, path, { body, ...(path.startsWith('/api/auth') ? { key: null } : {}) })
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field })
  })

  test.each([
    ['/api/v1/links?page=99999999999999999999', 'page'],
    ['/api/v1/links?offset=1e20&limit=1', 'offset'],
    ['/api/v1/webhooks/whk_x/deliveries?page=1000001', 'page'],
    ['/api/v1/admin/users?offset=99999999999999999999', 'offset'],
  ])('%s is a 400 VALIDATION_ERROR naming the field', async (path, field) => {
    const r = await h.api('GET', path)
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field, in: 'query' })
  })

  test('the last page that can be asked for answers, empty', async () => {
    const r = await h.api('GET', '/api/v1/links?page=1000000&size=100')
    expect(r.status).toBe(200)
    expect(r.body.data.content).toEqual([])
  })

  test.each([
    ['an unknown enum value lists the allowed ones', 'GET', '/api/v1/links?status=NOPE', undefined, 'status: must be one of ACTIVE, EXPIRED, USED, DISABLED, ALL'],
    ['an unknown event type lists them', 'POST', '/api/v1/webhooks', { url: 'https://x.example/h', events: ['nope'] }, 'events.0: must be one of link.created, link.clicked, link.expired, link.used, link.deleted, link.disabled, plan.limit_warning, plan.limit_reached, subscription.created, report.weekly, ping'],
    ['a too long optional text gives its bound', 'POST', '/api/v1/links', { url: 'https://x.example/a', title: 'x'.repeat(201) }, 'title: must be at most 200 characters'],
    ['a missing field is required', 'POST', '/api/v1/keys', {}, 'name: is required'],
    ['an empty name must not be empty', 'POST', '/api/v1/keys', { name: '' }, 'name: must not be empty'],
    ['a number for a text says what it must be', 'POST', '/api/v1/keys', { name: 5 }, 'name: must be a string'],
    ['an empty list gives its bound', 'POST', '/api/v1/links/bulk-action', { shortCodes: [], action: 'DISABLE' }, 'shortCodes: must have at least 1 item'],
    ['a malformed email says so', 'POST', '/api/auth/register', { email: 'not-an-email', password: 'long-enough-1' }, 'email: must be an email address'],
  ])('%s', async (_, method, path, body, message) => {
    const r = await h.api(method, path, { body })
    expect(r.status).toBe(400)
    expect(r.body.error.message).toBe(message)
  })

  test.each([
    ['a JSON array', '[]', 'application/json'],
    ['a JSON string', '"title"', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['a number', '5', 'application/json'],
    ['plain text', 'title=x', 'text/plain'],
  ])('a body that is %s is a 400 VALIDATION_ERROR and changes nothing', async (_, raw, type) => {
    const made = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/body-shape', title: 'before' } })
    const r = await h.api('PATCH', `/api/v1/links/${made.body.data.id}`, { body: raw, headers: { 'content-type': type } })
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'body' })
    const after = await h.api('GET', `/api/v1/links/${made.body.data.id}`)
    expect(after.body.data.updatedAt).toBe(made.body.data.updatedAt)
  })

  test('a POST that carries no body still answers where none is needed', async () => {
    const made = await h.api('POST', '/api/v1/keys', { body: { name: 'no-body' } })
    const r = await h.api('POST', `/api/v1/keys/${made.body.data.id}/regenerate`, { headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(200)
  })

  test('a bulk request refused for a NUL writes none of its links', async () => {
    await h.api('POST', '/api/v1/links/bulk', { body: { links: [{ url: 'https://example.com/nul-first' }, { url: 'https://example.com/x', title: '\u0000' }] } })
    const list = await h.api('GET', '/api/v1/links?search=nul-first')
    expect(list.body.data.total).toBe(0)
  })
})
