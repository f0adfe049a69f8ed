import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config'
import type { Running } from '../src/server'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { startDnsServer, type DnsServer } from './support/dns-server'

describe('DNS_SERVERS', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kurz-dns-config-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  test('takes IP addresses with an optional port', () => {
    const config = loadConfig({ DATA_DIR: dataDir, DNS_SERVERS: '127.0.0.1:5353, 1.1.1.1, ::1, [::1]:53' })
    expect(config.dnsServers).toEqual(['127.0.0.1:5353', '1.1.1.1', '::1', '[::1]:53'])
    expect(loadConfig({ DATA_DIR: dataDir }).dnsServers).toEqual([])
  })

  test.each([['dns.google'], ['127.0.0.1:0'], ['127.0.0.1:99999'], ['1.2.3']])('refuses %p with an error naming the variable', (value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, DNS_SERVERS: value })).toThrow(/^DNS_SERVERS /)
  })
})

describe.each(engines)('custom domains on %s', (engine) => {
  let h: Harness
  let dns: DnsServer
  let s: Running
  beforeAll(async () => {
    dns = await startDnsServer()
    h = await createHarness({ engine, redis: true, env: { DNS_SERVERS: dns.address } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => {
    await h.close()
    dns.close()
  })

  const add = (hostname: string, key?: string) => h.api('POST', '/api/v1/domains', { body: { hostname }, ...(key ? { key } : {}) })
  /** Registers and verifies through the DNS server; returns the domain object. */
  const verified = async (hostname: string) => {
    const d = (await add(hostname)).body.data
    dns.txt.set(`_kurz.${hostname}`, [d.verificationToken])
    const r = await h.api('POST', `/api/v1/domains/${d.id}/verify`)
    if (r.status !== 200) throw new Error(JSON.stringify(r.body))
    return r.body.data
  }
  const go = (path: string, host?: string) =>
    fetch(`${s.url}${path}`, { redirect: 'manual', headers: host ? { host } : {} })

  describe('register and list', () => {
    test('POST answers 201 with an unverified domain and its DNS TXT token', async () => {
      const r = await add('go.brand-one.example')
      expect(r.status).toBe(201)
      const d = r.body.data
      expect(d.id).toMatch(/^dom_/)
      expect(d).toMatchObject({ hostname: 'go.brand-one.example', isVerified: false, verificationMethod: 'DNS_TXT', verifiedAt: null })
      expect(d.verificationToken).toMatch(/^kurz-verify=[A-Za-z0-9]{32}$/)
      expect(Date.parse(d.createdAt)).not.toBeNaN()
    })

    test('the hostname is stored lower case, without a trailing dot, IDN as punycode', async () => {
      expect((await add('Links.Brand-Two.Example.')).body.data.hostname).toBe('links.brand-two.example')
      expect((await add('bücher.example')).body.data.hostname).toBe('xn--bcher-kva.example')
    })

    test.each([['not a host'], ['https://go.example.com'], ['go.example.com:8080'], ['localhost'], ['10.0.0.1'],
      ['a..example.com'], ['-bad.example.com'], ['x'.repeat(64) + '.example.com'], ['example.123'], ['KURZ.test']])(
      'refuses hostname %p with 400 VALIDATION_ERROR naming the field', async (hostname) => {
        const r = await add(hostname)
        expect(r.status).toBe(400)
        expect(r.body.error.code).toBe('VALIDATION_ERROR')
        expect(r.body.error.field).toBe('hostname')
      })

    test('a hostname is unique across accounts: 409 CONFLICT', async () => {
      expect((await add('shared.example.org')).status).toBe(201)
      const other = await createUser(h, { plan: 'Pro' })
      const r = await add('SHARED.example.org', other.key)
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('CONFLICT')
      expect((await add('shared.example.org')).status).toBe(409)
    })

    test('a plan without domains gets 403 FORBIDDEN', async () => {
      const free = await createUser(h, { plan: 'Free' })
      const r = await add('free-plan.example.org', free.key)
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('FORBIDDEN')
    })

    test('the plan caps the number of domains: Core allows one', async () => {
      const core = await createUser(h, { plan: 'Core' })
      expect((await add('core-one.example.org', core.key)).status).toBe(201)
      const r = await add('core-two.example.org', core.key)
      expect(r.status).toBe(403)
      expect(r.body.error.code).toBe('FORBIDDEN')
      expect(r.body.error.limit).toBe(1)
    })

    test('GET lists only the caller\'s domains, with isVerified and verifiedAt', async () => {
      const pro = await createUser(h, { plan: 'Pro' })
      await add('listed-a.example.net', pro.key)
      await add('listed-b.example.net', pro.key)
      const r = await h.api('GET', '/api/v1/domains', { key: pro.key })
      expect(r.status).toBe(200)
      expect(r.body.data.map((d: any) => d.hostname)).toEqual(['listed-a.example.net', 'listed-b.example.net'])
      for (const d of r.body.data) expect(d).toMatchObject({ isVerified: false, verifiedAt: null })
    })

    test('without credentials the domains API is 401', async () => {
      for (const [method, path] of [['GET', '/api/v1/domains'], ['POST', '/api/v1/domains'], ['DELETE', '/api/v1/domains/dom_x']]) {
        const r = await h.api(method, path, { key: null, body: method === 'POST' ? { hostname: 'x.example.com' } : undefined })
        expect(r.status).toBe(401)
      }
    })

    test('another account\'s domain is 404 for get, verify and delete', async () => {
      const d = (await add('mine-only.example.net')).body.data
      const other = await createUser(h, { plan: 'Pro' })
      for (const [method, path] of [['GET', ''], ['POST', '/verify'], ['DELETE', '']]) {
        const r = await h.api(method, `/api/v1/domains/${d.id}${path}`, { key: other.key })
        expect(r.status).toBe(404)
        expect(r.body.error.code).toBe('NOT_FOUND')
      }
      expect((await h.api('GET', `/api/v1/domains/${d.id}`)).status).toBe(200)
    })
  })

  describe('verification over DNS', () => {
    test('without the TXT record: 400 with the names looked up and what was found', async () => {
      const d = (await add('unverified.example.com')).body.data
      dns.txt.set('unverified.example.com', ['v=spf1 -all'])
      const r = await h.api('POST', `/api/v1/domains/${d.id}/verify`)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      expect(r.body.error.expected).toBe(d.verificationToken)
      expect(r.body.error.found).toEqual([
        { name: 'unverified.example.com', records: ['v=spf1 -all'] },
        { name: '_kurz.unverified.example.com', records: [] },
      ])
      expect((await h.api('GET', `/api/v1/domains/${d.id}`)).body.data.isVerified).toBe(false)
    })

    test('a TXT record at _kurz.<hostname> verifies the domain', async () => {
      const d = (await add('sub-record.example.com')).body.data
      dns.txt.set('_kurz.sub-record.example.com', ['something else', d.verificationToken])
      const r = await h.api('POST', `/api/v1/domains/${d.id}/verify`)
      expect(r.status).toBe(200)
      expect(r.body.data.isVerified).toBe(true)
      expect(Date.parse(r.body.data.verifiedAt)).not.toBeNaN()
      expect(dns.queries).toContain('_kurz.sub-record.example.com')
      const listed = (await h.api('GET', '/api/v1/domains')).body.data.find((x: any) => x.id === d.id)
      expect(listed.isVerified).toBe(true)
    })

    test('a TXT record at the hostname itself verifies the domain too', async () => {
      const d = (await add('apex-record.example.com')).body.data
      dns.txt.set('apex-record.example.com', [d.verificationToken])
      expect((await h.api('POST', `/api/v1/domains/${d.id}/verify`)).body.data.isVerified).toBe(true)
    })

    test('links can use a domain only once it is verified', async () => {
      const d = (await add('later.example.com')).body.data
      const before = await h.api('POST', '/api/v1/links', { body: { url: 'https://example.com/x', domain: 'later.example.com' } })
      expect(before.status).toBe(400)
      dns.txt.set('_kurz.later.example.com', [d.verificationToken])
      await h.api('POST', `/api/v1/domains/${d.id}/verify`)
      const after = await h.createLink({ url: 'https://example.com/x', slug: 'later', domain: 'later.example.com' })
      expect(after.shortUrl).toBe('http://later.example.com/later')
    })
  })

  describe('redirects on a custom domain', () => {
    test('a verified host resolves slugs in its own namespace', async () => {
      await verified('go.acme.example')
      await h.createLink({ url: 'https://acme.example/custom', slug: 'same', domain: 'go.acme.example' })
      await h.createLink({ url: 'https://example.com/default', slug: 'same' })
      const custom = await go('/same', 'go.acme.example')
      expect(custom.status).toBe(302)
      expect(custom.headers.get('location')).toBe('https://acme.example/custom')
      expect((await go('/same')).headers.get('location')).toBe('https://example.com/default')
      expect((await go('/same', 'go.acme.example:8443')).headers.get('location')).toBe('https://acme.example/custom')
    })

    test("a typed link's short URL on a custom host sends visitors to that host's page", async () => {
      await verified('cards.acme.example')
      await h.createLink({ kind: 'text', payload: { text: 'hi' }, slug: 'card', domain: 'cards.acme.example' })
      const res = await go('/card', 'cards.acme.example')
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('http://cards.acme.example/l/card')
    })

    test('an unverified host is served from the default namespace', async () => {
      await add('pending.acme.example')
      await h.createLink({ url: 'https://example.com/pending', slug: 'pending-slug' })
      expect((await go('/pending-slug', 'pending.acme.example')).headers.get('location')).toBe('https://example.com/pending')
    })
  })

  describe('delete', () => {
    test('links fall back to the default domain; a slug taken there is renamed and reported', async () => {
      const d = await verified('old.brand.example')
      const other = await createUser(h, { plan: 'Pro' })
      const taken = await h.api('POST', '/api/v1/links', { key: other.key, body: { url: 'https://example.com/theirs', slug: 'clash' } })
      expect(taken.status).toBe(201)
      const free = await h.createLink({ url: 'https://brand.example/free', slug: 'free-slug', domain: 'old.brand.example' })
      const clash = await h.createLink({ url: 'https://brand.example/clash', slug: 'clash', domain: 'old.brand.example' })
      expect((await go('/free-slug', 'old.brand.example')).status).toBe(302)
      expect((await go('/free-slug')).status).toBe(404) // now cached as a miss on the default domain

      const r = await h.api('DELETE', `/api/v1/domains/${d.id}`)
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ success: true, data: null, movedLinks: 2 })
      expect(r.body.renamedLinks).toHaveLength(1)
      const renamed = r.body.renamedLinks[0]
      expect(renamed).toMatchObject({ id: clash.id, from: 'clash' })
      expect(renamed.to).toMatch(/^clash-[A-Za-z0-9]{4}$/)
      expect(renamed.shortUrl).toBe(`http://kurz.test/${renamed.to}`)

      // Caches republished: the moved link redirects on the default domain at once.
      expect((await go('/free-slug')).headers.get('location')).toBe('https://brand.example/free')
      expect((await go(`/${renamed.to}`)).headers.get('location')).toBe('https://brand.example/clash')
      expect((await go('/clash')).headers.get('location')).toBe('https://example.com/theirs')
      // The host is no longer a namespace of its own.
      expect((await go('/free-slug', 'old.brand.example')).headers.get('location')).toBe('https://brand.example/free')
      const moved = await h.api('GET', `/api/v1/links/${free.id}`)
      expect(moved.body.data).toMatchObject({ domain: 'kurz.test', shortUrl: 'http://kurz.test/free-slug' })
      expect((await h.api('GET', `/api/v1/domains/${d.id}`)).status).toBe(404)
      expect((await h.api('GET', '/api/v1/domains')).body.data.some((x: any) => x.id === d.id)).toBe(false)
    })

    test('a deleted hostname can be registered again', async () => {
      const d = (await add('again.example.net')).body.data
      expect((await h.api('DELETE', `/api/v1/domains/${d.id}`)).body.movedLinks).toBe(0)
      expect((await add('again.example.net')).status).toBe(201)
    })
  })
})
