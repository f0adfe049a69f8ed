// Enrichment of raw clicks: device, browser, OS, bot with its reason, country, referrer host, UTM
// values and the visitor hash. The raw IP never leaves the enricher.
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { Enricher, parseAgent, referrerHost, utmValues } from '../src/clicks/enrich'
import { countByLink } from '../src/clicks/batch'
import { CHROME, GOOGLEBOT, IPHONE, rawClick } from './support/clicks'

const enricher = new Enricher('salt-a', null)

describe('enrichment', () => {
  test('a desktop and a phone are told apart, with browser and OS', () => {
    expect(parseAgent(CHROME)).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Windows', isBot: 0, botReason: '' })
    expect(parseAgent(IPHONE)).toMatchObject({ device: 'mobile', browser: 'Mobile Safari', os: 'iOS', isBot: 0 })
  })

  test('a crawler is a bot and the reason names what matched', () => {
    const a = parseAgent(GOOGLEBOT)
    expect(a.isBot).toBe(1)
    expect(a.botReason).toContain('Google')
    expect(parseAgent('curl/8.5.0').isBot).toBe(1)
    expect(parseAgent('')).toMatchObject({ isBot: 1, botReason: 'empty user-agent' })
  })

  test('a user agent too long to be real is parsed but never kept, so visitors cannot fill memory with them', () => {
    const e = new Enricher('salt-long', null)
    const long = `${CHROME} ${'x'.repeat(10_000)}`
    const [a, b] = e.enrichRows([rawClick({ ua: long }), rawClick({ ua: `${long}y` })])
    expect(a.browser).toBe('Chrome')
    expect(b.browser).toBe('Chrome')
    expect(e.cachedAgents).toBe(0)
    e.enrichRows([rawClick({ ua: CHROME })])
    expect(e.cachedAgents).toBe(1)
  })

  test('the default geo database gives the country of IPv4 and IPv6 addresses', () => {
    expect(enricher.enrich(rawClick({ ip: '8.8.8.8' })).country).toBe('US')
    expect(enricher.enrich(rawClick({ ip: '::ffff:81.2.69.160' })).country).toBe('GB')
    expect(enricher.enrich(rawClick({ ip: '2a00:1450:4001:80b::200e' })).country).not.toBe('')
    expect(enricher.enrich(rawClick({ ip: '127.0.0.1' })).country).toBe('')
    expect(enricher.enrich(rawClick({ ip: 'not-an-ip' })).country).toBe('')
  })

  test('the referrer is reduced to its host', () => {
    expect(referrerHost('https://www.Twitter.com/x/status/1?a=b')).toBe('twitter.com')
    expect(referrerHost('http://user@news.example.org:8080/')).toBe('news.example.org')
    expect(referrerHost('android-app://com.slack/')).toBe('com.slack')
    expect(referrerHost('')).toBe('')
    expect(referrerHost('garbage')).toBe('')
  })

  test('UTM values come from the short URL query string', () => {
    expect(utmValues('utm_source=news&utm_medium=email&utm_campaign=spring%20sale&x=1'))
      .toEqual({ source: 'news', medium: 'email', campaign: 'spring sale', term: '', content: '' })
    expect(utmValues('a=1')).toEqual({ source: '', medium: '', campaign: '', term: '', content: '' })
  })

  test('the visitor hash is stable for a visitor and day, differs by day and salt, and hides the IP', () => {
    const day = Date.UTC(2026, 0, 10, 12)
    const a = enricher.enrich(rawClick({ ts: day, ip: '203.0.113.9' }))
    expect(enricher.enrich(rawClick({ ts: day + 3_600_000, ip: '203.0.113.9' })).visitor_hash).toBe(a.visitor_hash)
    expect(enricher.enrich(rawClick({ ts: day + 86_400_000, ip: '203.0.113.9' })).visitor_hash).not.toBe(a.visitor_hash)
    expect(enricher.enrich(rawClick({ ts: day, ip: '203.0.113.10' })).visitor_hash).not.toBe(a.visitor_hash)
    expect(new Enricher('salt-b', null).enrich(rawClick({ ts: day, ip: '203.0.113.9' })).visitor_hash).not.toBe(a.visitor_hash)
    expect(Number.isSafeInteger(a.visitor_hash)).toBe(true)
    expect(JSON.stringify(a)).not.toContain('203.0.113.9')
  })

  test('the visitor hash is the first 48 bits of SHA-256 over salt, IP, user agent and UTC day, so it does not change between versions', () => {
    const ts = Date.UTC(2026, 0, 10, 12)
    const click = rawClick({ ts, ip: '198.51.100.7', ua: CHROME })
    const digest = createHash('sha256').update(`salt-a\n198.51.100.7\n${CHROME}\n${Math.floor(ts / 86_400_000)}`).digest()
    expect(enricher.enrich(click).visitor_hash).toBe(digest.readUIntBE(0, 6))
    // A digest whose first byte is high, where a 32-bit shift would go negative.
    const ips = Array.from({ length: 64 }, (_, i) => `198.51.100.${i}`)
    for (const ip of ips) {
      const d = createHash('sha256').update(`salt-a\n${ip}\n${CHROME}\n${Math.floor(ts / 86_400_000)}`).digest()
      expect(enricher.enrich(rawClick({ ts, ip, ua: CHROME })).visitor_hash).toBe(d.readUIntBE(0, 6))
    }
  })

  test('every event gets its own id', async () => {
    const rows = enricher.enrichRows(Array.from({ length: 2500 }, () => rawClick()))
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(2500)
  })

  test('counters are per link and per billing month, even across a month boundary', () => {
    const end = Date.UTC(2026, 0, 31, 23, 59)
    const counts = countByLink([
      ...Array.from({ length: 3 }, () => enricher.enrich(rawClick({ linkId: 'a', ts: end }))),
      enricher.enrich(rawClick({ linkId: 'a', ts: end + 120_000 })),
      enricher.enrich(rawClick({ linkId: 'b', ts: end })),
    ])
    expect(counts).toEqual([
      { link_id: 'a', period: '2026-01-01', n: 3 },
      { link_id: 'a', period: '2026-02-01', n: 1 },
      { link_id: 'b', period: '2026-01-01', n: 1 },
    ])
  })
})
