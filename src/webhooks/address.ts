// Which IP addresses a webhook may be delivered to: only globally routable unicast ones, so that
// an endpoint cannot make this service reach its own network (SSRF).
import { isIP } from 'node:net'

type Range = { base: bigint; bits: number }

const V4_NOT_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
  '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4', // 240/4 includes 255.255.255.255
].map((cidr) => range(cidr, 32))

// Outside 2000::/3 nothing is global unicast (::, ::1, fc00::/7, fe80::/10 and ff00::/8 all are);
// the forms that embed an IPv4 address are judged by that address before this rule applies.
const V6_GLOBAL = range('2000::/3', 128)
// Documentation (2001:db8::/32, 3fff::/20), Teredo, benchmarking, ORCHIDv2 and SRv6 SIDs.
const V6_NOT_PUBLIC = ['2001:db8::/32', '3fff::/20', '2001::/32', '2001:2::/48', '2001:20::/28', '5f00::/16'].map((cidr) => range(cidr, 128))
const V6_EMBEDDING_V4 = ['::ffff:0:0/96', '::/96', '64:ff9b::/96'].map((cidr) => range(cidr, 128))
const V6_6TO4 = range('2002::/16', 128)

export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip)
  if (family === 4) return isPublicV4(toBigInt(ip, 4))
  if (family === 6) return isPublicV6(toBigInt(ip, 6))
  return false
}

function isPublicV4(n: bigint): boolean {
  return !V4_NOT_PUBLIC.some((r) => within(n, r, 32))
}

function isPublicV6(n: bigint): boolean {
  if (V6_EMBEDDING_V4.some((r) => within(n, r, 128))) return isPublicV4(n & 0xffffffffn)
  if (within(n, V6_6TO4, 128)) return isPublicV4((n >> 80n) & 0xffffffffn) // 2002:AABB:CCDD::
  return within(n, V6_GLOBAL, 128) && !V6_NOT_PUBLIC.some((r) => within(n, r, 128))
}

function within(n: bigint, r: Range, width: number): boolean {
  const shift = BigInt(width - r.bits)
  return n >> shift === r.base >> shift
}

function range(cidr: string, width: 32 | 128): Range {
  const [ip, bits] = cidr.split('/')
  return { base: toBigInt(ip, width === 32 ? 4 : 6), bits: Number(bits) }
}

/** The address as an integer; only called on strings isIP accepted for that family. */
function toBigInt(ip: string, family: 4 | 6): bigint {
  if (family === 4) return ip.split('.').reduce((n, octet) => (n << 8n) | BigInt(octet), 0n)
  let text = ip.split('%')[0] // a zone id (fe80::1%eth0) is not part of the address
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.')) { // trailing dotted quad: ::ffff:1.2.3.4
    const v4 = toBigInt(text.slice(lastColon + 1), 4)
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const [head, tail] = text.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0')
  return [...headGroups, ...zeros, ...tailGroups].reduce((n, group) => (n << 16n) | BigInt(`0x${group}`), 0n)
}
