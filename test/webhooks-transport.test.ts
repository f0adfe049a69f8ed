import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import crypto, { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server as TcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isPublicAddress } from '../src/webhooks/address'
import { checkWebhookTarget, checkWebhookUrl, postWebhook, type SendOptions } from '../src/webhooks/send'
import { newWebhookSecret, signDelivery } from '../src/webhooks/sign'
import { startDnsServer, type DnsServer } from './support/dns-server'
import { within } from './support/poll'

describe('isPublicAddress', () => {
  test.each([
    '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.0.3.1', '198.20.0.1', '223.255.255.255',
    '2606:4700:4700::1111', '2a00:1450:4001:800::200e',
    '::ffff:8.8.8.8', '::ffff:808:808', '::8.8.8.8', '64:ff9b::8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
  ])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true)
  })

  test.each([
    ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'this network'], ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT'], ['100.127.255.255', 'CGNAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local with zone'], ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'], ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'], ['255.255.255.255', 'broadcast'],
    ['192.0.0.8', 'IETF'], ['192.0.2.1', 'documentation'], ['198.51.100.7', 'documentation'], ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmark'], ['198.19.255.255', 'benchmark'], ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'], ['2001::1', 'Teredo'], ['2001:2::1', 'benchmark'], ['2001:20::1', 'ORCHIDv2'], ['5f00::1', 'SRv6 SID'],
    ['::ffff:127.0.0.1', 'mapped loopback'], ['::ffff:7f00:1', 'mapped loopback, hex'], ['::ffff:10.0.0.1', 'mapped private'],
    ['::127.0.0.1', 'compatible loopback'], ['::a9fe:a9fe', 'compatible link-local'],
    ['64:ff9b::127.0.0.1', 'NAT64 of loopback'], ['64:ff9b::a9fe:a9fe', 'NAT64 of link-local'],
    ['2002:7f00:1::', '6to4 of loopback'], ['2002:c0a8:101::1', '6to4 of private'],
  ])('%s is not public (%s)', (ip) => {
    expect(isPublicAddress(ip)).toBe(false)
  })

  test.each(['localhost', '', '1.2.3', '256.1.1.1', '[::1]', '::1::2', 'example.com', ' 8.8.8.8'])('%p is not an address, so not public', (text) => {
    expect(isPublicAddress(text)).toBe(false)
  })
})

describe('signDelivery', () => {
  const secret = newWebhookSecret()
  const delivery = { id: 'evt_01HZX', timestamp: 1_760_000_000, body: '{"event":"ping","data":{"note":"héllo"}}', secret }

  /** Standard Webhooks, as a receiver checks it: decode the secret, HMAC "id.timestamp.body", base64. */
  function standardAccepts(headers: Record<string, string>, body: string, secret: string): boolean {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
    const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`
    const expected = Buffer.from(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`)
    const got = Buffer.from(headers['webhook-signature'])
    return got.length === expected.length && timingSafeEqual(got, expected)
  }

  /** A receiver's verification of X-Webhook-Signature (hex HMAC of "t.body" keyed by the whole secret), as they write it. */
  function verifyWebhook(rawBody: string, header: string, secret: string) {
    const parts = header.split(',')
    const timestamp = parts[0].split('=')[1]
    const signature = parts[1].split('=')[1]
    const signed = timestamp + '.' + rawBody
    const expected = crypto.createHmac('sha256', secret).update(signed).digest('hex')
    return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  }

  test('a new secret is whsec_ and 32 random bytes in padded base64', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32)
    expect(newWebhookSecret()).not.toBe(secret)
  })

  test('returns exactly the id, timestamp and two signature headers', () => {
    const headers = signDelivery(delivery)
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp', 'x-webhook-signature'])
    expect(headers['webhook-id']).toBe('evt_01HZX')
    expect(headers['webhook-timestamp']).toBe('1760000000')
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(headers['x-webhook-signature']).toMatch(/^t=1760000000,v1=[0-9a-f]{64}$/)
  })

  test('webhook-signature verifies the Standard Webhooks way', () => {
    expect(standardAccepts(signDelivery(delivery), delivery.body, secret)).toBe(true)
  })

  test('x-webhook-signature verifies with the recipe receivers use', () => {
    expect(verifyWebhook(delivery.body, signDelivery(delivery)['x-webhook-signature'], secret)).toBe(true)
  })

  test('a changed body or secret fails both verifications', () => {
    const headers = signDelivery(delivery)
    const otherSecret = newWebhookSecret()
    const otherBody = delivery.body.replace('ping', 'pong')
    expect(standardAccepts(headers, otherBody, secret)).toBe(false)
    expect(standardAccepts(headers, delivery.body, otherSecret)).toBe(false)
    expect(verifyWebhook(otherBody, headers['x-webhook-signature'], secret)).toBe(false)
    expect(verifyWebhook(delivery.body, headers['x-webhook-signature'], otherSecret)).toBe(false)
  })

  test('a changed id or timestamp fails the Standard Webhooks verification', () => {
    const headers = signDelivery(delivery)
    expect(standardAccepts({ ...headers, 'webhook-id': 'evt_other' }, delivery.body, secret)).toBe(false)
    expect(standardAccepts({ ...headers, 'webhook-timestamp': '1760000001' }, delivery.body, secret)).toBe(false)
  })
})

type Seen = { method: string; path: string; headers: Record<string, string>; body: string }

/** A Bun.serve on 127.0.0.1 recording every request; `answer` decides the response. */
function startServer(answer: (req: Request) => Response | Promise<Response>, tls?: { cert: string; key: string }) {
  const seen: Seen[] = []
  const server = Bun.serve({
    port: 0, hostname: '127.0.0.1', tls,
    async fetch(req) {
      const url = new URL(req.url)
      seen.push({ method: req.method, path: url.pathname + url.search, headers: Object.fromEntries(req.headers), body: await req.text() })
      return answer(req)
    },
  })
  return { port: server.port, seen, stop: () => server.stop(true) }
}

/** A raw TCP server writing `reply` to whoever connects (then closing, if asked), for answers Bun.serve would not produce. */
async function startRawServer(reply: string, close = false): Promise<TcpServer & { port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => {})
    if (close) socket.end(reply)
    else socket.write(reply)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(server, { port: (server.address() as { port: number }).port })
}

// A self-signed certificate naming only kurz.test (EC P-256, valid to 2126).
const CERT = `-----BEGIN CERTIFICATE-----
MIIBlDCCATugAwIBAgIUAyx+e8m4kISOenE2chioLYbtaOkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJa3Vyei50ZXN0MCAXDTI2MTEyMjA3NTIxM1oYDzIxMjYxMDI5
MDc1MjEzWjAUMRIwEAYDVQQDDAlrdXJ6LnRlc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASVfuqdIHLbBUiOW39zqDw1BfJfUpY71FfZb3hQDgOpPHj+LdiZsKnI
9O6cSkoX/mUW61b0qOQnwMM3N7e55vIoo2kwZzAdBgNVHQ4EFgQUnYcC5uO1vWI+
xUXsjRm6qE5mz5cwHwYDVR0jBBgwFoAUnYcC5uO1vWI+xUXsjRm6qE5mz5cwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglrdXJ6LnRlc3QwCgYIKoZIzj0EAwID
RwAwRAIgOEHNATPjL7zbKUWL3C8Ro8zzGORZBs8xSxNOdbcOss4CIHCTSP6QZx3d
KfDrabrxpF361R5H9R+kz/GNuP2KKtZa
-----END CERTIFICATE-----
`
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSgU988NnOOQDHz7n
i6eclECjMwhKUyNG+1IIWQQ7M0GhRANCAASVfuqdIHLbBUiOW39zqDw1BfJfUpY7
1FfZb3hQDgOpPHj+LdiZsKnI9O6cSkoX/mUW61b0qOQnwMM3N7e55vIo
-----END PRIVATE KEY-----
`

describe('postWebhook', () => {
  let dns: DnsServer
  const cleanups: (() => void)[] = []
  const open = (opts: Partial<SendOptions> = {}): SendOptions => ({ dnsServers: [], allowPrivate: true, timeoutMs: 2000, ...opts })
  const strict = (opts: Partial<SendOptions> = {}): SendOptions => open({ allowPrivate: false, ...opts })
  const serve = (...args: Parameters<typeof startServer>) => {
    const server = startServer(...args)
    cleanups.push(server.stop)
    return server
  }
  beforeAll(async () => {
    dns = await startDnsServer()
    dns.a.set('hooks.kurz.test', ['127.0.0.1'])
    dns.a.set('kurz.test', ['127.0.0.1'])
    dns.a.set('other.kurz.test', ['127.0.0.1'])
    dns.a.set('mixed.kurz.test', ['93.184.216.34'])
    dns.aaaa.set('mixed.kurz.test', ['::1'])
  })
  afterAll(() => dns.close())
  afterEach(() => cleanups.splice(0).forEach((close) => close()))

  test('delivers the exact body and every header, and returns the status', async () => {
    const server = serve(() => new Response('created', { status: 201 }))
    const body = JSON.stringify({ event: 'ping', data: { note: 'héllo — ✓' } })
    const result = await postWebhook(`http://127.0.0.1:${server.port}/hooks/in?x=1&y=%20`, { 'X-Webhook-Event': 'ping', 'webhook-id': 'evt_1' }, body, open())
    expect(result).toMatchObject({ httpStatus: 201, error: null })
    expect(Number.isInteger(result.responseTimeMs)).toBe(true)
    expect(server.seen).toHaveLength(1)
    const [got] = server.seen
    expect(got).toMatchObject({ method: 'POST', path: '/hooks/in?x=1&y=%20', body })
    expect(got.headers).toMatchObject({
      host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'Kurz-Webhooks/1.0', connection: 'close', 'x-webhook-event': 'ping', 'webhook-id': 'evt_1',
    })
  })

  test('returns a 5xx status as a status, not an error', async () => {
    const server = serve(() => new Response('boom', { status: 500 }))
    expect(await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open())).toMatchObject({ httpStatus: 500, error: null })
  })

  test('does not follow a redirect', async () => {
    const target = serve(() => new Response('should not be reached'))
    const server = serve(() => Response.redirect(`http://127.0.0.1:${target.port}/elsewhere`, 302))
    expect(await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open())).toMatchObject({ httpStatus: 302, error: null })
    expect(target.seen).toHaveLength(0)
  })

  test('returns as soon as the status arrives, without reading a never-ending body', async () => {
    const server = serve(() => new Response(new ReadableStream({ pull: () => Bun.sleep(50) }), { status: 200 }))
    expect(await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open({ timeoutMs: 1000 }))).toMatchObject({ httpStatus: 200, error: null })
  })

  test('a server that never answers times out and the connection is closed', async () => {
    let disconnected = false
    const server = serve((req) => {
      req.signal.addEventListener('abort', () => { disconnected = true })
      return new Promise<Response>(() => {})
    })
    const result = await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open({ timeoutMs: 300 }))
    expect(result).toMatchObject({ httpStatus: null, error: 'timeout after 300ms' })
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(290)
    expect(result.responseTimeMs).toBeLessThan(1000)
    expect(await within(1000, true, async () => disconnected)).toBe(true)
  })

  test('a closed port is a connection error naming the code', async () => {
    const probe = await startRawServer('')
    await new Promise((resolve) => probe.close(resolve))
    const result = await postWebhook(`http://127.0.0.1:${probe.port}/`, {}, '{}', open())
    expect(result.httpStatus).toBeNull()
    expect(result.error).toContain('ECONNREFUSED')
  })

  test.each([
    ['a malformed status line', 'SMTP ready\r\n', false, /malformed status line/],
    ['a close before the status line', 'HTTP/1.1 20', true, /closed before a status line/],
  ])('%s is an error', async (_, reply, close, error) => {
    const server = await startRawServer(reply, close)
    cleanups.push(() => server.close())
    const result = await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open())
    expect(result.httpStatus).toBeNull()
    expect(result.error).toMatch(error)
  })

  test('skips a 1xx interim answer and returns the final status', async () => {
    const server = await startRawServer('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n')
    cleanups.push(() => server.close())
    expect(await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', open())).toMatchObject({ httpStatus: 204, error: null })
  })

  test('a header value with CR/LF is refused before anything is sent', async () => {
    const server = serve(() => new Response('ok'))
    const result = await postWebhook(`http://127.0.0.1:${server.port}/`, { 'x-webhook-event': 'ping\r\nX-Injected: 1' }, '{}', open())
    expect(result.httpStatus).toBeNull()
    expect(result.error).toMatch(/invalid header/)
    expect(server.seen).toHaveLength(0)
  })

  test('connects to the address the DNS servers gave, with the URL\'s host in Host', async () => {
    const server = serve(() => new Response('ok'))
    const result = await postWebhook(`http://hooks.kurz.test:${server.port}/in`, {}, '{}', open({ dnsServers: [dns.address] }))
    expect(result).toMatchObject({ httpStatus: 200, error: null })
    expect(server.seen[0].headers.host).toBe(`hooks.kurz.test:${server.port}`)
  })

  test('an address that refuses the connection is passed over for the next one the DNS servers gave', async () => {
    const server = serve(() => new Response('ok'))
    dns.a.set('two.kurz.test', ['127.0.0.2', '127.0.0.1']) // nothing listens on 127.0.0.2
    const result = await postWebhook(`http://two.kurz.test:${server.port}/in`, {}, '{}', open({ dnsServers: [dns.address] }))
    expect(result).toMatchObject({ httpStatus: 200, error: null })
    expect(server.seen).toHaveLength(1)
  })

  test('without allowPrivate, an http URL to a loopback address is refused', async () => {
    const server = serve(() => new Response('ok'))
    const result = await postWebhook(`http://127.0.0.1:${server.port}/`, {}, '{}', strict())
    expect(result.httpStatus).toBeNull()
    expect(result.error).toMatch(/https/)
    expect(server.seen).toHaveLength(0)
  })

  test('without allowPrivate, localhost is refused because it resolves to loopback', async () => {
    const server = serve(() => new Response('ok'))
    const result = await postWebhook(`https://localhost:${server.port}/`, {}, '{}', strict())
    expect(result.httpStatus).toBeNull()
    expect(result.error).toBe('localhost resolves to an address that is not public')
    expect(server.seen).toHaveLength(0)
  })

  test('without allowPrivate, a name the DNS servers resolve to 127.0.0.1 is refused', async () => {
    const server = serve(() => new Response('ok'))
    const result = await postWebhook(`https://hooks.kurz.test:${server.port}/`, {}, '{}', strict({ dnsServers: [dns.address] }))
    expect(result).toMatchObject({ httpStatus: null, error: 'hooks.kurz.test resolves to an address that is not public' })
    expect(server.seen).toHaveLength(0)
  })

  test('without allowPrivate, one private address among public ones is enough to refuse', async () => {
    const result = await postWebhook('https://mixed.kurz.test/', {}, '{}', strict({ dnsServers: [dns.address] }))
    expect(result).toMatchObject({ httpStatus: null, error: 'mixed.kurz.test resolves to an address that is not public' })
  })

  test('a name that does not exist is an error, not a throw', async () => {
    const result = await postWebhook('https://missing.kurz.test/', {}, '{}', strict({ dnsServers: [dns.address] }))
    expect(result).toMatchObject({ httpStatus: null, error: 'missing.kurz.test has no address' })
  })

  test('https to a certificate nobody trusts fails the TLS check, so nothing is sent', async () => {
    const server = serve(() => new Response('ok'), { cert: CERT, key: KEY })
    const result = await postWebhook(`https://kurz.test:${server.port}/`, {}, '{}', open({ dnsServers: [dns.address] }))
    expect(result.httpStatus).toBeNull()
    expect(result.error).toMatch(/self.signed/i)
    expect(server.seen).toHaveLength(0)
  })

  // The trust store is read at start-up, so a child process with the certificate as an extra CA.
  test('https checks the certificate against the hostname, not the address connected to', async () => {
    const server = serve(() => new Response('ok', { status: 202 }), { cert: CERT, key: KEY })
    const dir = mkdtempSync(join(tmpdir(), 'kurz-webhook-ca-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'ca.pem'), CERT)
    const script = `const { postWebhook } = await import(${JSON.stringify(join(import.meta.dir, '../src/webhooks/send.ts'))})
      for (const host of ['kurz.test', 'other.kurz.test']) console.log(JSON.stringify(await postWebhook('https://' + host + ':${server.port}/', {}, '{}', { dnsServers: ['${dns.address}'], allowPrivate: true, timeoutMs: 3000 })))`
    const child = Bun.spawn([process.execPath, '-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }, stderr: 'inherit' })
    const [trusted, mismatched] = (await new Response(child.stdout).text()).trim().split('\n').map((line) => JSON.parse(line))
    expect(trusted).toMatchObject({ httpStatus: 202, error: null })
    expect(mismatched.httpStatus).toBeNull()
    expect(mismatched.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/)
    expect(server.seen).toHaveLength(1)
  })
})

describe('checkWebhookUrl', () => {
  test.each([
    ['https://hooks.example.com/in', false],
    ['https://8.8.8.8/in', false],
    ['https://[2606:4700:4700::1111]:8443/in', false],
    ['http://127.0.0.1:3000/in', true],
    ['http://10.0.0.5/in', true],
  ])('%s is acceptable (allowPrivate %p)', (url, allowPrivate) => {
    expect(checkWebhookUrl(url, allowPrivate)).toBeNull()
  })

  test.each([
    ['ftp://hooks.example.com/in', false, /only https/],
    ['ftp://hooks.example.com/in', true, /only http and https/],
    ['javascript:alert(1)', true, /only http and https/],
    ['https://user:pass@hooks.example.com/', false, /credentials/],
    ['https://token@hooks.example.com/', true, /credentials/],
    ['https://', false, /not an absolute URL/],
    ['/relative/path', false, /not an absolute URL/],
    ['http://hooks.example.com/in', false, /only https/],
    ['https://127.0.0.1/in', false, /127\.0\.0\.1 is not a public address/],
    ['https://192.168.1.10/in', false, /not a public address/],
    ['https://[::ffff:10.0.0.1]/in', false, /not a public address/],
    ['https://2130706433/in', false, /127\.0\.0\.1 is not a public address/],
  ])('%s is refused (allowPrivate %p)', (url, allowPrivate, reason) => {
    expect(checkWebhookUrl(url, allowPrivate)).toMatch(reason)
  })
})

describe('checkWebhookTarget', () => {
  let dns: DnsServer
  beforeAll(async () => {
    dns = await startDnsServer()
    dns.a.set('internal.kurz.test', ['10.0.0.7'])
    dns.a.set('public.kurz.test', ['93.184.216.34'])
    dns.aaaa.set('public.kurz.test', ['2606:2800:220:1:248:1893:25c8:1946'])
  })
  afterAll(() => dns.close())
  const opts = (allowPrivate = false): SendOptions => ({ dnsServers: [dns.address], allowPrivate, timeoutMs: 1000 })

  test('refuses what checkWebhookUrl refuses', async () => {
    expect(await checkWebhookTarget('http://public.kurz.test/', opts())).toBe('only https URLs are allowed')
  })

  test('refuses a name that resolves to an internal address, naming it', async () => {
    expect(await checkWebhookTarget('https://internal.kurz.test/in', opts())).toBe('internal.kurz.test resolves to an address that is not public')
    expect(await checkWebhookTarget('https://localhost/in', { ...opts(), dnsServers: [] })).toMatch(/^localhost resolves to /)
  })

  test('accepts a name whose every address is public, and one that does not resolve yet', async () => {
    expect(await checkWebhookTarget('https://public.kurz.test/in', opts())).toBeNull()
    expect(await checkWebhookTarget('https://not-yet.kurz.test/in', opts())).toBeNull()
  })

  test('with allowPrivate, internal names are accepted without a look-up', async () => {
    const before = dns.queries.length
    expect(await checkWebhookTarget('http://internal.kurz.test/in', opts(true))).toBeNull()
    expect(dns.queries).toHaveLength(before)
  })
})
