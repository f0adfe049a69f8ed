// The test send of a webhook shows the endpoint's answer: the first 1,000 characters of its body
// (read up to 16 KiB, whatever its framing), null when there was no answer; regular deliveries
// still stop reading at the status line.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createServer, type Server } from 'node:net'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { postWebhook, postWebhookReadingAnswer } from '../src/webhooks/send'

/** A raw HTTP/1.1 peer on 127.0.0.1: each connection gets `reply` written once the request head arrived; `keepOpen` never closes. */
function rawPeer(): { url: string; reply: string; keepOpen: boolean; server: Server; ready: Promise<void> } {
  const peer = { url: '', reply: '', keepOpen: false, server: null as unknown as Server, ready: null as unknown as Promise<void> }
  peer.server = createServer((socket) => {
    let got = ''
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1')
      if (!got.includes('\r\n\r\n')) return
      got = ''
      socket.write(peer.reply, 'latin1')
      if (!peer.keepOpen) socket.end()
    })
    socket.on('error', () => {})
  })
  peer.ready = new Promise((resolve) => peer.server.listen(0, '127.0.0.1', () => {
    peer.url = `http://127.0.0.1:${(peer.server.address() as { port: number }).port}/hook`
    resolve()
  }))
  return peer
}

const withLength = (status: string, body: string) =>
  `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${Buffer.from(body).toString('latin1')}`

describe.each(engines)('the answer of a webhook test on %s', (engine) => {
  let h: Harness
  const peer = rawPeer()
  let hookId: string
  beforeAll(async () => {
    await peer.ready
    h = await createHarness({ engine, redis: true, env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '4000' } })
    const r = await h.api('POST', '/api/v1/webhooks', { body: { url: peer.url, events: ['link.created'] } })
    if (r.status !== 201) throw new Error(JSON.stringify(r.body))
    hookId = r.body.data.id
  }, SETUP_TIMEOUT)
  afterAll(async () => { peer.server.close(); await h?.close() })
  const sendTest = async () => {
    const r = await h.api('POST', `/api/v1/webhooks/${hookId}/test`)
    expect(r.status).toBe(200)
    return r.body.data
  }

  test('the answer body comes back as text, failures too', async () => {
    peer.reply = withLength('200 OK', 'thanks, got it — ✓')
    expect(await sendTest()).toMatchObject({ httpStatus: 200, responseBody: 'thanks, got it — ✓', message: 'Test delivery successful' })
    peer.reply = withLength('422 Unprocessable Entity', '{"error":"unknown event ping"}')
    const failed = await sendTest()
    expect(failed).toMatchObject({ httpStatus: 422, responseBody: '{"error":"unknown event ping"}' })
    expect(failed.message).toStartWith('Test delivery failed')
    peer.reply = withLength('204 No Content', '')
    expect((await sendTest()).responseBody).toBe('')
  })

  test('a long or chunked answer is cut to its first 1,000 characters', async () => {
    peer.reply = withLength('200 OK', 'é'.repeat(5000))
    expect((await sendTest()).responseBody).toBe('é'.repeat(1000))
    peer.reply = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
    expect((await sendTest()).responseBody).toBe('hello world')
    peer.reply = withLength('200 OK', 'x'.repeat(200_000))
    expect((await sendTest()).responseBody).toBe('x'.repeat(1000))
  })

  test('a peer that keeps the connection open still gives its status and body, soon', async () => {
    peer.keepOpen = true
    try {
      peer.reply = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstill here'
      const started = Date.now()
      const d = await sendTest()
      expect(d).toMatchObject({ httpStatus: 200, responseBody: 'still here' })
      expect(Date.now() - started).toBeLessThan(3500)
    } finally {
      peer.keepOpen = false
    }
  })

  test('no answer, no body: a malformed status line or a refused connection is null', async () => {
    peer.reply = 'NOT HTTP\r\n\r\n'
    expect(await sendTest()).toMatchObject({ httpStatus: null, responseBody: null })
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()))
    const port = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const r = await h.api('PATCH', `/api/v1/webhooks/${hookId}`, { body: { url: `http://127.0.0.1:${port}/gone` } })
    expect(r.status).toBe(200)
    expect(await sendTest()).toMatchObject({ httpStatus: null, responseBody: null })
    await h.api('PATCH', `/api/v1/webhooks/${hookId}`, { body: { url: peer.url } })
  })

  test('with a deadline shorter than the wait for the body, the status and what came are kept', async () => {
    peer.keepOpen = true
    try {
      peer.reply = 'HTTP/1.1 503 Service Unavailable\r\n\r\nbusy'
      const r = await postWebhookReadingAnswer(peer.url, {}, '{}', { dnsServers: [], allowPrivate: true, timeoutMs: 600 })
      expect(r).toMatchObject({ httpStatus: 503, responseBody: 'busy', error: null })
      expect(r.responseTimeMs).toBeLessThan(600)
    } finally {
      peer.keepOpen = false
    }
  })

  test('regular deliveries do not wait for the body of a peer that keeps the connection open', async () => {
    peer.keepOpen = true
    try {
      peer.reply = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstill here'
      const r = await postWebhook(peer.url, {}, '{}', { dnsServers: [], allowPrivate: true, timeoutMs: 4000 })
      expect(r).toEqual({ httpStatus: 200, responseTimeMs: expect.any(Number), error: null })
      expect(r.responseTimeMs).toBeLessThan(1000)
    } finally {
      peer.keepOpen = false
    }
  })
})
