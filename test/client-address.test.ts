import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../src/config'
import { clientIp, type RequestServer } from '../src/shared/request'
import { CountingSink } from '../src/clicks/sink'
import type { Running } from '../src/server'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { clearOfWindowEdge, MINUTE_MS } from './support/windows'

const trustOf = (TRUST_PROXY: string) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kurz-trust-')), TRUST_PROXY }).trustProxy
/** A server whose socket peer is `peer`, as Bun's requestIP reports it. */
const from = (peer: string): RequestServer => ({ requestIP: () => ({ address: peer }) })
const req = (xff?: string) => new Request('http://kurz.test/x', { headers: xff === undefined ? {} : { 'x-forwarded-for': xff } })

describe('the client address behind TRUST_PROXY', () => {
  test('without TRUST_PROXY the socket address is the client, whatever X-Forwarded-For says', () => {
    expect(clientIp(trustOf('false'), req('6.6.6.6'), from('203.0.113.9'))).toBe('203.0.113.9')
  })

  test('TRUST_PROXY=true is one hop: the address the proxy appended, not the leftmost one the client wrote', () => {
    const trust = trustOf('true')
    expect(trust).toEqual({ hops: 1 })
    expect(clientIp(trust, req('6.6.6.6, 203.0.113.9'), from('10.0.0.1'))).toBe('203.0.113.9')
    expect(clientIp(trust, req('1.1.1.1,2.2.2.2 , 203.0.113.9'), from('10.0.0.1'))).toBe('203.0.113.9')
    expect(clientIp(trust, req('203.0.113.9'), from('10.0.0.1'))).toBe('203.0.113.9')
    expect(clientIp(trust, req(), from('10.0.0.1'))).toBe('10.0.0.1')
  })

  test('a hop count takes that many entries from the right', () => {
    const trust = trustOf('2')
    expect(clientIp(trust, req('6.6.6.6, 203.0.113.9, 10.0.0.2'), from('10.0.0.1'))).toBe('203.0.113.9')
    // Fewer entries than hops: every one was written by a trusted proxy; the leftmost is the client.
    expect(clientIp(trust, req('203.0.113.9'), from('10.0.0.1'))).toBe('203.0.113.9')
  })

  test('trusted ranges: from the right, past every trusted proxy, to the first address that is not one', () => {
    const trust = trustOf('10.0.0.0/8, 192.168.1.7, fd00::/8')
    expect(trust).toEqual({ cidrs: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'] })
    expect(clientIp(trust, req('6.6.6.6, 203.0.113.9, 192.168.1.7, 10.1.2.3'), from('10.0.0.1'))).toBe('203.0.113.9')
    expect(clientIp(trust, req('6.6.6.6, 2001:db8::5, fd12::1'), from('fd00::2'))).toBe('2001:db8::5')
    // A peer that is not a trusted proxy may write anything: its header is not read.
    expect(clientIp(trust, req('203.0.113.9'), from('198.51.100.4'))).toBe('198.51.100.4')
    // Only trusted proxies all along: the leftmost is the client (an internal caller).
    expect(clientIp(trust, req('10.9.9.9, 10.0.0.2'), from('10.0.0.1'))).toBe('10.9.9.9')
  })

  test('behind a trusted hop with X-Forwarded-For the socket is not asked; without the header it is, once', () => {
    let asked = 0
    const counting: RequestServer = { requestIP: () => (asked++, { address: '10.0.0.1' }) }
    expect(clientIp(trustOf('1'), req('6.6.6.6, 203.0.113.9'), counting)).toBe('203.0.113.9')
    expect(asked).toBe(0)
    expect(clientIp(trustOf('1'), req(), counting)).toBe('10.0.0.1')
    expect(asked).toBe(1)
  })

  test('ports and brackets on an entry are dropped; an entry that is no address falls back to the socket', () => {
    expect(clientIp(trustOf('1'), req('6.6.6.6, 203.0.113.9:4711'), from('10.0.0.1'))).toBe('203.0.113.9')
    expect(clientIp(trustOf('1'), req('6.6.6.6, [2001:db8::5]:4711'), from('10.0.0.1'))).toBe('2001:db8::5')
    expect(clientIp(trustOf('1'), req('6.6.6.6, not-an-address'), from('10.0.0.1'))).toBe('10.0.0.1')
  })

  test.each(['maybe', '10.0.0.0/33', '10.0.0.0/8/1', 'example.com', '11', '10.0.0.0/x'])('TRUST_PROXY=%s is refused with an error naming the variable', (value) => {
    expect(() => trustOf(value)).toThrow(ConfigError)
    expect(() => trustOf(value)).toThrow(/TRUST_PROXY/)
  })

  test('unset and false trust no proxy', () => {
    expect(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'kurz-trust-')) }).trustProxy).toBeNull()
    expect(trustOf('0')).toBeNull()
  })
})

describe('one proxy hop over a real server', () => {
  let h: Harness
  let s: Running
  const sink = new CountingSink()
  beforeAll(async () => {
    h = await createHarness({ env: { TRUST_PROXY: '1' }, overrides: { clicks: sink } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  test('a spoofed leftmost X-Forwarded-For does not change the limited address', async () => {
    await clearOfWindowEdge(MINUTE_MS, 5_000)
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${s.url}/api/v1/me`, { headers: { authorization: 'Bearer not-a-key', 'x-forwarded-for': `6.6.${i}.6, 203.0.113.50` } })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 30).every((st) => st === 401)).toBe(true)
    expect(statuses[30]).toBe(429)
    // Another client behind the same proxy has its own bucket.
    const other = await fetch(`${s.url}/api/v1/me`, { headers: { authorization: 'Bearer not-a-key', 'x-forwarded-for': '203.0.113.51' } })
    expect(other.status).toBe(401)
  })

  test('a click records the address the proxy appended, not the one the client wrote', async () => {
    await h.createLink({ url: 'https://example.com/xff', slug: 'xff-click' })
    const res = await fetch(`${s.url}/xff-click`, { redirect: 'manual', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.60' } })
    expect(res.status).toBe(302)
    expect(sink.received.at(-1)!.ip).toBe('203.0.113.60')
  })
})
