// A domain verified or deleted through one instance reaches the redirect plane of another.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Running } from '../src/server'
import { createHarnessPair, redisUrl, SETUP_TIMEOUT, type Harness, type HarnessPair } from './support/harness'
import { startDnsServer, type DnsServer } from './support/dns-server'
import { within } from './support/poll'

const servers = Boolean(process.env.DATABASE_URL && redisUrl)

describe.skipIf(!servers)('custom domains across two instances', () => {
  let dns: DnsServer
  let pair: HarnessPair
  let a: Harness
  let b: Harness
  let sb: Running
  beforeAll(async () => {
    dns = await startDnsServer()
    pair = await createHarnessPair({ redis: true, env: { DNS_SERVERS: dns.address } })
    a = pair.a
    b = pair.b
    sb = await b.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await pair.close()
    dns.close()
  }, SETUP_TIMEOUT)

  const locationOnB = (host: string, slug: string) =>
    fetch(`${sb.url}/${slug}`, { redirect: 'manual', headers: { host } }).then((r) => (r.status === 302 ? r.headers.get('location') : String(r.status)))

  test('verifying on one instance makes the other serve the host\'s namespace within 1 s, and deleting undoes it', async () => {
    await a.api('POST', '/api/v1/links', { body: { url: 'https://example.com/default', slug: 'multi' } })
    const d = (await a.api('POST', '/api/v1/domains', { body: { hostname: 'go.multi.example' } })).body.data
    expect(await locationOnB('go.multi.example', 'multi')).toBe('https://example.com/default')

    dns.txt.set('_kurz.go.multi.example', [d.verificationToken])
    expect((await a.api('POST', `/api/v1/domains/${d.id}/verify`)).status).toBe(200)
    await a.api('POST', '/api/v1/links', { body: { url: 'https://multi.example/custom', slug: 'multi-only', domain: 'go.multi.example' } })
    expect(await within(1000, 'https://multi.example/custom', () => locationOnB('go.multi.example', 'multi-only'))).toBe('https://multi.example/custom')
    expect(await locationOnB('go.multi.example', 'multi')).toBe('404')

    const del = await a.api('DELETE', `/api/v1/domains/${d.id}`)
    expect(del.body.movedLinks).toBe(1)
    expect(await within(1000, 'https://example.com/default', () => locationOnB('go.multi.example', 'multi'))).toBe('https://example.com/default')
    expect(await locationOnB('kurz.test', 'multi-only')).toBe('https://multi.example/custom')
  })
})
