// The test MaxMind DB writer, checked with the reader the app uses (maxmind's Reader).
import { describe, expect, test } from 'bun:test'
import { Reader, type Response } from 'maxmind'
import { writeMmdb, type MmdbEntry, type MmdbValue } from './support/mmdb-writer'

const open = (bytes: Uint8Array) => new Reader<Response>(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
const lookup = (r: Reader<Response>, ip: string) => r.get(ip) as unknown

const CITY = {
  city: { geoname_id: 2_643_743, names: { en: 'London', de: 'London', 'zh-CN': '伦敦' } },
  country: { geoname_id: 2_635_167, iso_code: 'GB', is_in_european_union: false },
  location: { accuracy_radius: 50, latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London' },
  subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
}
const FLAT = { city: 'Frankfurt am Main', country_code: 'DE', latitude: 50.1169, longitude: 8.6837, postcode: '60313', state1: 'Hesse', state2: '', timezone: 'Europe/Berlin' }
const ENTRIES: MmdbEntry[] = [
  { network: '81.2.69.0/24', record: CITY },
  { network: '2a00:1450::/32', record: FLAT },
  { network: '10.1.0.0/16', record: { n: 2 } },
  { network: '10.0.0.0/8', record: { n: 1 } },
  { network: '2001:db8::1/128', record: { n: 3 } },
]

describe('mmdb writer', () => {
  test('records come back equal from IPv4 and IPv6 networks, with their prefix lengths', () => {
    const r = open(writeMmdb(ENTRIES))
    expect(lookup(r, '81.2.69.160')).toEqual(CITY)
    expect(lookup(r, '2a00:1450:4001:80b::200e')).toEqual(FLAT)
    expect(lookup(r, '2001:db8::1')).toEqual({ n: 3 })
    expect(r.getWithPrefixLength('81.2.69.0')[1]).toBe(24)
    expect(r.getWithPrefixLength('2a00:1450:ffff::')[1]).toBe(32)
  })

  test('addresses outside every network give null', () => {
    const r = open(writeMmdb(ENTRIES))
    for (const ip of ['81.2.70.1', '81.2.68.255', '11.0.0.1', '0.0.0.0', '255.255.255.255', '2a01::1', '2001:db8::2', '::1', 'ffff::1'])
      expect({ ip, found: lookup(r, ip) }).toEqual({ ip, found: null })
  })

  test('a more specific network wins inside the one that covers it, whatever the order given', () => {
    for (const entries of [ENTRIES, [...ENTRIES].reverse()]) {
      const r = open(writeMmdb(entries))
      expect(lookup(r, '10.1.2.3')).toEqual({ n: 2 })
      expect(lookup(r, '10.0.255.255')).toEqual({ n: 1 })
      expect(lookup(r, '10.2.0.0')).toEqual({ n: 1 })
      expect(r.getWithPrefixLength('10.1.2.3')[1]).toBe(16)
    }
  })

  test('IPv4 networks sit at ::/96 and are reachable through ::ffff:0:0/96, as in MaxMind files', () => {
    const r = open(writeMmdb(ENTRIES))
    expect(lookup(r, '::81.2.69.160')).toEqual(CITY)
    expect(lookup(r, '::ffff:81.2.69.160')).toEqual(CITY)
    expect(lookup(r, '::ffff:10.1.0.1')).toEqual({ n: 2 })
    expect(lookup(r, '::ffff:81.2.70.1')).toBeNull()
  })

  test('the metadata says what the file is', () => {
    const r = open(writeMmdb(ENTRIES, { databaseType: 'GeoLite2-City', languages: ['de', 'en'], description: { en: 'cities' }, buildEpoch: 1_767_225_600 }))
    expect(r.metadata).toMatchObject({
      binaryFormatMajorVersion: 2, binaryFormatMinorVersion: 0, ipVersion: 6, recordSize: 24,
      databaseType: 'GeoLite2-City', languages: ['de', 'en'], description: { en: 'cities' },
    })
    expect(r.metadata.buildEpoch.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    expect(r.metadata.nodeCount).toBeGreaterThan(128)
  })

  test('every value type and size class round-trips', () => {
    const strings = Object.fromEntries([0, 1, 28, 29, 284, 285, 65_820, 65_821, 70_000].map((n) => [`s${n}`, 'x'.repeat(n)]))
    const record: Record<string, MmdbValue> = {
      ...strings,
      unicode: 'Zürich, 東京, Αθήνα',
      uints: [0, 1, 255, 256, 65_535, 65_536, 2 ** 32 - 1],
      negatives: [-1, -128, -(2 ** 31)],
      doubles: [1.5, -0.25, 51.5142, 2 ** 40, -(2 ** 40)],
      bigints: [2n ** 63n, 2n ** 64n - 1n, 2n ** 100n],
      flags: [true, false],
      nested: { empty_map: {}, empty_array: [], deep: { list: [{ a: [1, 'two', { three: 3 }] }] } },
      many: Array.from({ length: 300 }, (_, i) => i),
    }
    const r = open(writeMmdb([{ network: '192.0.2.0/24', record }]))
    expect(lookup(r, '192.0.2.1')).toEqual(record)
  })

  test('28- and 32-bit records hold values beyond 24 bits; 24-bit records refuse them', () => {
    // A first record of 16 MiB puts the second one's data pointer past 2^24.
    const entries: MmdbEntry[] = [{ network: '1.0.0.0/8', record: { pad: 'x'.repeat(2 ** 24) } }, { network: '2.0.0.0/8', record: { n: 1 } }]
    expect(() => writeMmdb(entries, { recordSize: 24 })).toThrow('does not fit in 24 bits')
    for (const recordSize of [28, 32] as const) {
      const r = open(writeMmdb(entries, { recordSize }))
      expect(r.metadata.recordSize).toBe(recordSize)
      expect(lookup(r, '2.2.2.2')).toEqual({ n: 1 })
      expect((lookup(r, '1.1.1.1') as { pad: string }).pad.length).toBe(2 ** 24)
      expect(lookup(r, '3.3.3.3')).toBeNull()
    }
  })

  test('an IPv4 database takes IPv4 networks only, and an IPv6 lookup in it does not throw', () => {
    expect(() => writeMmdb(ENTRIES, { ipVersion: 4 })).toThrow('IPv4 only')
    const r = open(writeMmdb(ENTRIES.filter((e) => !e.network.includes(':')), { ipVersion: 4 }))
    expect(r.metadata.ipVersion).toBe(4)
    expect(lookup(r, '81.2.69.160')).toEqual(CITY)
    expect(lookup(r, '81.2.70.1')).toBeNull()
    expect(() => r.get('2a00:1450:4001:80b::200e')).not.toThrow()
  })

  test('a network with host bits set, or no network at all, is refused', () => {
    expect(() => writeMmdb([{ network: '10.0.0.1/8', record: {} }])).toThrow('host bits')
    expect(() => writeMmdb([{ network: 'example.com/8', record: {} }])).toThrow('not an IP address')
    expect(() => writeMmdb([{ network: '10.0.0.0/33', record: {} }])).toThrow('prefix length')
  })
})
