import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { eq, isNotNull } from 'drizzle-orm'
import { createHarness, createHarnessPair, engines, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { startDnsServer, type DnsServer } from './support/dns-server'
import { createUser } from './support/users'
import { startReceiver, type Received, type Receiver } from './support/webhook-receiver'
import { dispatchWebhooks, fanOutEvents, HISTORY_MS, pruneWebhookHistory, startWebhookDispatcher } from '../src/webhooks/dispatcher'
import { DISABLE_AFTER_MS, RETRY_DELAYS_S } from '../src/webhooks/attempt'
import { events, webhookDeliveries, webhookEndpoints } from '../src/db/schema'

/** What a receiver of X-Webhook-Signature does: HMAC-SHA256 of "t.body" keyed by the whole secret, hex. */
function hexRecipeAccepts(r: Received, secret: string): boolean {
  const [t, v1] = r.headers['x-webhook-signature'].split(',').map((p) => p.split('=')[1])
  return createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex') === v1
}

/** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body", keyed by the secret's decoded bytes. */
function standardWebhooksAccepts(r: Received, secret: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`
  return r.headers['webhook-signature'] === `v1,${createHmac('sha256', key).update(signed).digest('base64')}`
}

describe.each(engines)('webhooks on %s', (engine) => {
  let h: Harness
  let rx: Receiver
  let clock = Date.now()
  beforeAll(async () => {
    h = await createHarness({ engine, env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '500' }, overrides: { now: () => new Date(clock) } })
  }, SETUP_TIMEOUT)
  afterAll(() => h.close())
  beforeEach(async () => {
    rx?.close()
    rx = startReceiver()
    // Each test starts from an empty outbox and no endpoints of the admin's.
    await h.deps.db.update(events).set({ dispatchedAt: new Date() })
    await h.deps.db.delete(webhookEndpoints)
  })

  const register = async (body: Record<string, unknown> = {}, key?: string) =>
    h.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'], ...body }, ...(key ? { key } : {}) })
  const registered = async (body: Record<string, unknown> = {}) => {
    const r = await register(body)
    if (r.status !== 201) throw new Error(JSON.stringify(r.body))
    return r.body.data
  }
  const deliveries = async (id: string, query = '') => (await h.api('GET', `/api/v1/webhooks/${id}/deliveries${query}`)).body.data
  const later = (seconds: number) => { clock += seconds * 1000 }

  describe('endpoints', () => {
    test('registering answers 201 with the endpoint and a whsec_ secret that is shown only then', async () => {
      const r = await register({ description: 'prod', events: ['link.created', 'link.deleted', 'link.created'] })
      expect(r.status).toBe(201)
      const w = r.body.data
      expect(w.id).toMatch(/^whk_/)
      expect(w.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(w).toMatchObject({ url: rx.url, description: 'prod', events: ['link.created', 'link.deleted'], isActive: true, failureCount: 0 })
      const one = await h.api('GET', `/api/v1/webhooks/${w.id}`)
      expect(one.body.data).toMatchObject({ id: w.id, url: rx.url })
      expect(one.body.data.secret).toBeUndefined()
      const list = await h.api('GET', '/api/v1/webhooks')
      expect(list.body.data.map((e: any) => e.id)).toEqual([w.id])
      expect(list.body.data[0].secret).toBeUndefined()
    })

    test.each([
      ['no event types', { events: [] }, 'events'],
      ['an unknown event type', { events: ['link.exploded'] }, 'events'],
      ['no events field', { events: undefined }, 'events'],
      ['a string for isActive', { isActive: 'yes' }, 'isActive'],
    ])('%s is a 400 VALIDATION_ERROR naming the field', async (_, body, field) => {
      const r = await register(body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.field).toStartWith(field)
    })

    test.each([['ftp://example.com/hook'], ['https://user:pw@example.com/hook'], ['not a url']])('%p is refused with INVALID_URL', async (url) => {
      const r = await register({ url })
      expect(r.status).toBe(400)
      expect(r.body.error).toMatchObject({ code: 'INVALID_URL', field: 'url' })
    })

    test("another account's endpoint is not found, and cannot be changed, tested or deleted", async () => {
      const w = await registered()
      const other = await createUser(h)
      for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/test'], ['POST', '/rotate-secret'], ['GET', '/deliveries']]) {
        const r = await h.api(method, `/api/v1/webhooks/${w.id}${path}`, { key: other.key, ...(method === 'PATCH' ? { body: { isActive: false } } : {}) })
        expect(r.status).toBe(404)
        expect(r.body.error.code).toBe('NOT_FOUND')
      }
      expect((await h.api('GET', '/api/v1/webhooks', { key: other.key })).body.data).toEqual([])
      expect(rx.received).toHaveLength(0)
    })

    test('PATCH changes the fields given and leaves the others', async () => {
      const w = await registered({ description: 'a' })
      const r = await h.api('PATCH', `/api/v1/webhooks/${w.id}`, { body: { events: ['link.deleted'], isActive: false } })
      expect(r.status).toBe(200)
      expect(r.body.data).toMatchObject({ description: 'a', events: ['link.deleted'], isActive: false, url: rx.url })
      const bad = await h.api('PATCH', `/api/v1/webhooks/${w.id}`, { body: { url: 'javascript:alert(1)' } })
      expect(bad.body.error.code).toBe('INVALID_URL')
    })

    test('DELETE removes the endpoint and its deliveries stop', async () => {
      const w = await registered()
      const r = await h.api('DELETE', `/api/v1/webhooks/${w.id}`)
      expect(r.body).toMatchObject({ success: true, data: null })
      expect((await h.api('GET', `/api/v1/webhooks/${w.id}`)).status).toBe(404)
      await h.createLink({ url: 'https://example.com/after-delete' })
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(0)
    })
  })

  describe('delivery', () => {
    test('a subscribed event arrives once, signed both ways, with the payload { id, event, timestamp, data }', async () => {
      const w = await registered()
      const link = await h.createLink({ url: 'https://example.com/signed', slug: `wh-${clock}` })
      expect(await dispatchWebhooks(h.deps)).toMatchObject({ attempts: 1 })
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(1)
      const got = rx.received[0]
      expect(got.json).toMatchObject({ event: 'link.created', data: { shortCode: link.shortCode, shortUrl: link.shortUrl, originalUrl: 'https://example.com/signed' } })
      expect(got.json.id).toMatch(/^evt_/)
      expect(Date.parse(got.json.timestamp)).not.toBeNaN()
      expect(got.headers['x-webhook-event']).toBe('link.created')
      expect(got.headers['webhook-id']).toBe(got.json.id)
      expect(got.headers['content-type']).toStartWith('application/json')
      expect(hexRecipeAccepts(got, w.secret)).toBe(true)
      expect(standardWebhooksAccepts(got, w.secret)).toBe(true)
      const page = await deliveries(w.id)
      expect(page.total).toBe(1)
      expect(page.content[0]).toMatchObject({ eventId: got.json.id, eventType: 'link.created', status: 'SUCCESS', httpStatus: 200, attemptCount: 1, nextAttemptAt: null })
      expect(page.content[0].deliveredAt).not.toBeNull()
    })

    test('events not subscribed to, events before the endpoint, and inactive endpoints get nothing', async () => {
      await h.createLink({ url: 'https://example.com/before' })
      const w = await registered({ events: ['link.deleted'] })
      const off = await registered({ events: ['link.created'], isActive: false })
      await h.createLink({ url: 'https://example.com/not-subscribed' })
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(0)
      expect((await deliveries(w.id)).total).toBe(0)
      expect((await deliveries(off.id)).total).toBe(0)
    })

    test('after a rotation, deliveries are signed with the new secret only', async () => {
      const w = await registered()
      const r = await h.api('POST', `/api/v1/webhooks/${w.id}/rotate-secret`)
      expect(r.body.data.id).toBe(w.id)
      expect(r.body.data.secret).not.toBe(w.secret)
      await h.createLink({ url: 'https://example.com/rotated' })
      await dispatchWebhooks(h.deps)
      expect(hexRecipeAccepts(rx.received[0], r.body.data.secret)).toBe(true)
      expect(hexRecipeAccepts(rx.received[0], w.secret)).toBe(false)
    })

    test('a failed attempt is retried on the backoff schedule, and a success clears the failure count', async () => {
      const w = await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/retry' })
      await dispatchWebhooks(h.deps)
      let [d] = (await deliveries(w.id)).content
      expect(d).toMatchObject({ status: 'PENDING', httpStatus: 500, attemptCount: 1 })
      expect(Date.parse(d.nextAttemptAt) - clock).toBe(RETRY_DELAYS_S[0] * 1000)
      expect((await h.api('GET', `/api/v1/webhooks/${w.id}`)).body.data.failureCount).toBe(1)
      await dispatchWebhooks(h.deps) // not due yet
      expect(rx.received).toHaveLength(1)
      rx.answer = 204
      later(RETRY_DELAYS_S[0])
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(2)
      expect(rx.received[1].body).toBe(rx.received[0].body)
      ;[d] = (await deliveries(w.id)).content
      expect(d).toMatchObject({ status: 'SUCCESS', httpStatus: 204, attemptCount: 2, nextAttemptAt: null })
      expect((await h.api('GET', `/api/v1/webhooks/${w.id}`)).body.data.failureCount).toBe(0)
    })

    test('after ten failed attempts over about three days the delivery is FAILED', async () => {
      const w = await registered()
      rx.answer = 503
      await h.createLink({ url: 'https://example.com/gives-up' })
      await dispatchWebhooks(h.deps)
      for (const delay of RETRY_DELAYS_S) {
        later(delay)
        await dispatchWebhooks(h.deps)
      }
      expect(RETRY_DELAYS_S.reduce((a, b) => a + b) / 3600).toBeGreaterThan(60)
      expect(rx.received).toHaveLength(10)
      const [d] = (await deliveries(w.id)).content
      expect(d).toMatchObject({ status: 'FAILED', attemptCount: 10, nextAttemptAt: null, error: 'the endpoint answered HTTP 503' })
      later(86_400)
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(10)
    })

    test('an endpoint failing for 10 days is turned off, and what waits for it is dropped', async () => {
      const w = await registered()
      rx.answer = 500
      const failAfter = async (hours: number) => {
        later(hours * 3600)
        await h.createLink({ url: `https://example.com/failing-${clock}` })
        await dispatchWebhooks(h.deps)
        return (await h.api('GET', `/api/v1/webhooks/${w.id}`)).body.data
      }
      await failAfter(0)
      for (let day = 1; day < 10; day++) expect(await failAfter(24)).toMatchObject({ isActive: true })
      expect(await failAfter(23.9)).toMatchObject({ isActive: true }) // 9.9 days
      expect(await failAfter(0.2)).toMatchObject({ isActive: false, disabledReason: 'failing for 10 days' })
      const sent = rx.received.length
      later(86_400)
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(sent)
      expect((await deliveries(w.id, '?status=PENDING')).total).toBe(0)
      // Switched on again by its owner: a fresh start.
      const on = await h.api('PATCH', `/api/v1/webhooks/${w.id}`, { body: { isActive: true } })
      expect(on.body.data).toMatchObject({ isActive: true, failureCount: 0, disabledReason: null })
    })

    test('a pass returns only when every due delivery of an endpoint, past its share of slots, was attempted', async () => {
      const w = await registered()
      // More than one endpoint's share of slots: the rest are claimed as attempts end.
      for (let i = 0; i < 20; i++) await h.createLink({ url: `https://example.com/queued-${i}` })
      await dispatchWebhooks(h.deps)
      // Each one attempted, and its outcome recorded (a success, or on a busy machine a time-out).
      const rows = await h.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, w.id))
      expect(rows.map((d) => [d.attemptCount, d.claimedUntil])).toEqual(Array(20).fill([1, null]))
    })

    test('failures more than a day apart do not add up to 10 days', async () => {
      const w = await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/quiet-0' })
      await dispatchWebhooks(h.deps)
      later(DISABLE_AFTER_MS / 1000 + 60) // nothing was sent for 10 days
      await h.createLink({ url: 'https://example.com/quiet-10' })
      await dispatchWebhooks(h.deps)
      expect((await h.api('GET', `/api/v1/webhooks/${w.id}`)).body.data).toMatchObject({ isActive: true, failureCount: 3 })
    })

    test('PATCH with isActive unchanged keeps the failure count', async () => {
      const w = await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/patched' })
      await dispatchWebhooks(h.deps)
      const r = await h.api('PATCH', `/api/v1/webhooks/${w.id}`, { body: { description: 'x', isActive: true } })
      expect(r.body.data).toMatchObject({ description: 'x', failureCount: 1 })
    })

    test('a delivery that gets no answer in time fails with a time-out and is retried', async () => {
      const w = await registered()
      rx.answer = 'hang'
      await h.createLink({ url: 'https://example.com/slow' })
      await dispatchWebhooks(h.deps)
      const [d] = (await deliveries(w.id)).content
      expect(d).toMatchObject({ status: 'PENDING', httpStatus: null, attemptCount: 1 })
      expect(d.error).toContain('timeout')
    })

    test('/metrics counts attempts and failed attempts', async () => {
      const metric = async (name: string) => Number((await (await h.app.handle(new Request('http://kurz.test/metrics'))).text()).match(new RegExp(`^${name} (\\d+)$`, 'm'))![1])
      const [attempts, failed] = [await metric('kurz_webhook_attempts_total'), await metric('kurz_webhook_attempts_failed_total')]
      await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/metrics-1' })
      await dispatchWebhooks(h.deps)
      rx.answer = 200
      await h.createLink({ url: 'https://example.com/metrics-2' })
      await dispatchWebhooks(h.deps)
      expect(await metric('kurz_webhook_attempts_total')).toBe(attempts + 2)
      expect(await metric('kurz_webhook_attempts_failed_total')).toBe(failed + 1)
    })

    test('a redirect is not followed: it counts as a failure', async () => {
      const w = await registered()
      rx.answer = 302
      await h.createLink({ url: 'https://example.com/redirected' })
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(1)
      expect((await deliveries(w.id)).content[0]).toMatchObject({ status: 'PENDING', httpStatus: 302 })
    })

    test('the dispatcher started with the server delivers without being called', async () => {
      await registered()
      const stop = startWebhookDispatcher(h.deps)
      try {
        await h.createLink({ url: 'https://example.com/background' })
        const deadline = Date.now() + 10_000
        while (rx.received.length === 0 && Date.now() < deadline) await Bun.sleep(50)
      } finally {
        await stop()
      }
      expect(rx.received.map((r) => r.json.event)).toEqual(['link.created'])
    })
  })

  describe('history, retry and test', () => {
    test('deliveries page newest first and filter by status', async () => {
      const w = await registered()
      for (let i = 0; i < 3; i++) await h.createLink({ url: `https://example.com/page-${i}` })
      await dispatchWebhooks(h.deps)
      const p = await deliveries(w.id, '?page=0&size=2')
      expect(p).toMatchObject({ page: 0, size: 2, total: 3, totalPages: 2 })
      expect(p.content).toHaveLength(2)
      expect((await deliveries(w.id, '?status=PENDING')).total).toBe(0)
      expect((await deliveries(w.id, '?status=SUCCESS')).total).toBe(3)
      const bad = await h.api('GET', `/api/v1/webhooks/${w.id}/deliveries?status=DONE`)
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    })

    test('a manual retry sends now and answers the outcome', async () => {
      const w = await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/manual' })
      await dispatchWebhooks(h.deps)
      const [d] = (await deliveries(w.id)).content
      rx.answer = 200
      const r = await h.api('POST', `/api/v1/webhooks/${w.id}/deliveries/${d.id}/retry`)
      expect(r.status).toBe(200)
      expect(r.body.data).toMatchObject({ id: d.id, status: 'SUCCESS', httpStatus: 200, attemptCount: 2 })
      expect(rx.received).toHaveLength(2)
      const missing = await h.api('POST', `/api/v1/webhooks/${w.id}/deliveries/dlv_nope/retry`)
      expect(missing.status).toBe(404)
      const again = await h.api('POST', `/api/v1/webhooks/${w.id}/deliveries/${d.id}/retry`)
      expect(again.status).toBe(409)
      expect(rx.received).toHaveLength(2)
    })

    test('a manual retry of a delivery whose attempt is under way is refused, and nothing is sent twice', async () => {
      const w = await registered()
      rx.answer = 500
      await h.createLink({ url: 'https://example.com/under-way' })
      await dispatchWebhooks(h.deps)
      const [d] = (await deliveries(w.id)).content
      // As the dispatcher's claim leaves it while it sends.
      await h.deps.db.update(webhookDeliveries).set({ claimedUntil: new Date(clock + 60_000) }).where(eq(webhookDeliveries.id, d.id))
      const r = await h.api('POST', `/api/v1/webhooks/${w.id}/deliveries/${d.id}/retry`)
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('CONFLICT')
      expect(rx.received).toHaveLength(1)
    })

    test('a test sends a signed ping, answers status and time, and does not count against the endpoint', async () => {
      const w = await registered()
      const ok = await h.api('POST', `/api/v1/webhooks/${w.id}/test`)
      expect(ok.status).toBe(200)
      expect(ok.body.data).toMatchObject({ httpStatus: 200, message: 'Test delivery successful' })
      expect(ok.body.data.responseTime).toBeGreaterThanOrEqual(0)
      expect(rx.received[0].json.event).toBe('ping')
      expect(hexRecipeAccepts(rx.received[0], w.secret)).toBe(true)
      rx.answer = 500
      const failed = await h.api('POST', `/api/v1/webhooks/${w.id}/test`)
      expect(failed.body.data).toMatchObject({ httpStatus: 500 })
      expect(failed.body.data.message).toStartWith('Test delivery failed')
      expect((await h.api('GET', `/api/v1/webhooks/${w.id}`)).body.data.failureCount).toBe(0)
      const history = await deliveries(w.id)
      expect(history.content.map((d: any) => [d.eventType, d.status])).toEqual([['ping', 'FAILED'], ['ping', 'SUCCESS']])
      await dispatchWebhooks(h.deps)
      expect(rx.received).toHaveLength(2) // the failed ping is not retried
    })
  })

  test('history older than 30 days is pruned; pending deliveries are kept', async () => {
    const w = await registered()
    await h.createLink({ url: 'https://example.com/old-news' })
    await dispatchWebhooks(h.deps)
    rx.answer = 500
    await h.createLink({ url: 'https://example.com/still-waiting' })
    await dispatchWebhooks(h.deps)
    later(HISTORY_MS / 1000 + 60)
    await pruneWebhookHistory(h.deps)
    expect((await deliveries(w.id)).content.map((d: any) => d.status)).toEqual(['PENDING'])
    expect(await h.deps.db.select().from(events).where(isNotNull(events.dispatchedAt))).toEqual([])
  })

  test('an account has at most 20 endpoints', async () => {
    const user = await createUser(h)
    for (let i = 0; i < 20; i++) expect((await register({}, user.key)).status).toBe(201)
    const r = await register({}, user.key)
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('FORBIDDEN')
    await h.deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.userId, user.id))
  })

  test('concurrent registrations do not pass the 20-endpoint bound', async () => {
    const user = await createUser(h)
    const answers = await Promise.all(Array.from({ length: 30 }, () => register({}, user.key).then((r) => r.status)))
    expect(answers.filter((s) => s === 201)).toHaveLength(20)
    expect(answers.filter((s) => s === 403)).toHaveLength(10)
    expect(await h.deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.userId, user.id))).toHaveLength(20)
    await h.deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.userId, user.id))
  })
})

describe('webhook destinations on a default deployment (public https only)', () => {
  let h: Harness
  let dns: DnsServer
  let rx: Receiver
  beforeAll(async () => {
    dns = await startDnsServer()
    rx = startReceiver()
    h = await createHarness({ env: { DNS_SERVERS: dns.address, WEBHOOK_TIMEOUT_MS: '1000' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    dns.close()
    rx.close()
  })
  const register = (url: string) => h.api('POST', '/api/v1/webhooks', { body: { url, events: ['link.created'] } })

  test.each([
    ['plain http', () => rx.url],
    ['a loopback address', () => 'https://127.0.0.1/hook'],
    ['a private address', () => 'https://10.1.2.3/hook'],
    ['an IPv4-mapped loopback address', () => 'https://[::ffff:127.0.0.1]/hook'],
    ['a name that resolves to a private address', () => 'https://intranet.kurz-hooks.test/hook'],
  ])('%s is refused at registration with INVALID_URL', async (_, url) => {
    dns.a.set('intranet.kurz-hooks.test', ['192.168.1.20'])
    const r = await register(url())
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'INVALID_URL', field: 'url' })
  })

  test('a name that later resolves to an internal address is refused at delivery, and nothing is sent', async () => {
    dns.a.set('hooks.kurz-hooks.test', ['93.184.216.34'])
    const r = await register('https://hooks.kurz-hooks.test/in')
    expect(r.status).toBe(201)
    dns.a.set('hooks.kurz-hooks.test', ['127.0.0.1'])
    await h.createLink({ url: 'https://example.com/rebinding' })
    await dispatchWebhooks(h.deps)
    const page = (await h.api('GET', `/api/v1/webhooks/${r.body.data.id}/deliveries`)).body.data
    expect(page.content[0]).toMatchObject({ status: 'PENDING', httpStatus: null, attemptCount: 1 })
    expect(page.content[0].error).toBe('hooks.kurz-hooks.test resolves to an address that is not public')
    expect(rx.received).toHaveLength(0)
  })
})

describe.if(engines.includes('postgres'))('webhooks on two instances', () => {
  let pair: HarnessPair
  let rx: Receiver
  beforeAll(async () => {
    rx = startReceiver()
    pair = await createHarnessPair({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await pair.close()
    rx.close()
  })

  test('instances dispatching at once deliver each event exactly once', async () => {
    const { a, b } = pair
    const r = await a.api('POST', '/api/v1/webhooks', { body: { url: rx.url, events: ['link.created'] } })
    expect(r.status).toBe(201)
    for (let i = 0; i < 30; i++) await (i % 2 ? a : b).createLink({ url: `https://example.com/pair-${i}` })
    // Events first, so that the instances then race for the same due deliveries.
    await Promise.all([fanOutEvents(a.deps), fanOutEvents(b.deps)])
    await Promise.all([dispatchWebhooks(a.deps), dispatchWebhooks(b.deps), dispatchWebhooks(a.deps), dispatchWebhooks(b.deps)])
    const ids = rx.received.map((x) => x.json.id)
    expect(ids).toHaveLength(30)
    expect(new Set(ids).size).toBe(30)
  })
})

describe('a slow endpoint and everyone else', () => {
  let h: Harness
  let slow: Receiver
  let fast: Receiver
  beforeAll(async () => {
    slow = startReceiver()
    fast = startReceiver()
    slow.answer = 'hang'
    h = await createHarness({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_POLL_MS: '50' } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    slow.close()
    fast.close()
  })

  test("another account's events go out while an attempt waits on a hanging endpoint", async () => {
    const other = await createUser(h)
    expect((await h.api('POST', '/api/v1/webhooks', { body: { url: slow.url, events: ['link.created'] } })).status).toBe(201)
    expect((await h.api('POST', '/api/v1/webhooks', { key: other.key, body: { url: fast.url, events: ['link.created'] } })).status).toBe(201)
    const stop = startWebhookDispatcher(h.deps)
    try {
      await h.createLink({ url: 'https://example.com/to-the-slow-one' })
      while (slow.received.length === 0) await Bun.sleep(20)
      expect((await h.api('POST', '/api/v1/links', { key: other.key, body: { url: 'https://example.com/to-the-fast-one' } })).status).toBe(201)
      const deadline = Date.now() + 10_000
      while (fast.received.length === 0 && Date.now() < deadline) await Bun.sleep(20)
      expect(fast.received).toHaveLength(1)
      // The slow endpoint's attempt was still under way (it ends at the 5 s time-out).
      const [slowOne] = await h.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, 'link.created')).orderBy(webhookDeliveries.createdAt).limit(1)
      expect(slowOne).toMatchObject({ attemptCount: 0, status: 'PENDING' })
      expect(slowOne.claimedUntil).not.toBeNull()
    } finally {
      await stop()
    }
  }, 30_000)
})
