// A link may not point back at this service under any of its names or addresses: the short host in
// any case, with trailing dots or another port, loopback in every IP form, localhost names, the
// addresses the short host resolves to or the server listens on, and every verified custom domain.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { networkInterfaces } from 'node:os'
import { createHarness, engines, redisUrl, SETUP_TIMEOUT, type Harness } from './support/harness'
import { startDnsServer, type DnsServer } from './support/dns-server'
import { canonicalHost } from '../src/links/own-hosts'

const SHORT = 'short.kurz.example'

describe.each(engines)('redirect loops (%s)', (engine) => {
  let h: Harness
  let dns: DnsServer
  beforeAll(async () => {
    dns = await startDnsServer()
    dns.a.set(SHORT, ['198.51.100.7'])
    dns.aaaa.set(SHORT, ['2001:db8::7'])
    h = await createHarness({ engine, redis: !!redisUrl, env: { DNS_SERVERS: dns.address, BASE_URL: `https://${SHORT}` } })
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    dns.close()
  })

  const create = (url: string) => h.api('POST', '/api/v1/links', { body: { url } })
  const expectLoop = (r: { status: number; body: any }) => {
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({ code: 'INVALID_URL', field: 'originalUrl' })
    expect(r.body.error.message).toContain('redirect loop')
  }

  test.each([
    `https://${SHORT}/x`, `https://SHORT.Kurz.Example/x`, `https://${SHORT}./x`, `https://${SHORT}../x`, `http://${SHORT}:8443/x`,
    'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://127.0.0.1:3000/',
    'http://127.9.8.7/', 'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/',
    'http://0.0.0.0/', 'http://0/', 'http://[::]/', 'http://localhost/', 'http://localhost./', 'http://localhost../',
    'http://LOCALHOST:8080/', 'http://foo.localhost/', 'http://%6c%6fcalhost/',
  ])('%s is refused as a redirect loop', async (url) => {
    expectLoop(await create(url))
  })

  test.each([
    'http://198.51.100.7/', 'http://198.51.100.7:8080/x', 'http://[2001:db8::7]/', 'http://[2001:db8:0::7]:81/', 'http://[::ffff:198.51.100.7]/',
  ])('%s, an address the short host resolves to, is refused as a redirect loop', async (url) => {
    expectLoop(await create(url))
  })

  test('an address this server listens on (HOST is a wildcard) is refused as a redirect loop', async () => {
    const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')
    if (!external) return // a machine with loopback only: nothing more to check
    expectLoop(await create(`http://${external.address}:8080/`))
  })

  test('a link to a verified custom domain is refused as a redirect loop, on create and on update', async () => {
    const hostname = 'go.loop-brand.example'
    const d = (await h.api('POST', '/api/v1/domains', { body: { hostname } })).body.data
    dns.txt.set(`_kurz.${hostname}`, [d.verificationToken])
    expect((await h.api('POST', `/api/v1/domains/${d.id}/verify`)).status).toBe(200)
    expectLoop(await create(`https://${hostname}/anything`))
    expectLoop(await create(`https://GO.Loop-Brand.example.:8443/x`))
    const made = await h.createLink({ url: 'https://example.com/fine' })
    expectLoop(await h.api('PATCH', `/api/v1/links/${made.id}`, { body: { url: `https://${hostname}/x` } }))
  })

  test.each([
    'https://example.com/', 'http://198.51.100.8/', 'https://sub.short.kurz.example.org/', 'https://localhost.example.com/', 'http://[2001:db8::8]/',
  ])('%s, another host, is accepted', async (url) => {
    expect((await create(url)).status).toBe(201)
  })
})

describe('canonical hosts', () => {
  test.each([
    ['[::ffff:7f00:1]', '127.0.0.1'], ['[::ffff:127.0.0.1]', '127.0.0.1'], ['[::7f00:1]', '127.0.0.1'],
    ['Example.COM..', 'example.com'], ['[2001:db8::7]', '2001:db8::7'], ['[::1]', '::1'],
  ])('%s compares as %s', (raw, canonical) => {
    expect(canonicalHost(raw)).toBe(canonical)
  })
})
