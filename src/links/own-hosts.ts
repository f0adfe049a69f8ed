// Every name and address that reaches this service: a link to any of them redirects to itself.
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { Logger } from '../shared/log'

/**
 * A hostname as the loop check compares it: lower case, without trailing dots or IPv6 brackets, an
 * IPv4-mapped or -compatible IPv6 address as its IPv4 form. (WHATWG URL parsing has already turned
 * `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` into `127.0.0.1`.)
 */
export function canonicalHost(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.+$/, '').replace(/^\[(.*)\]$/, '$1')
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(host)
  if (dotted) return dotted[1]
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host)
  if (!hex) return host
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)]
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** This machine under any name or address: localhost names, 127/8, 0/8 ("this host"), ::1 and ::. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.') || host.startsWith('0.')
  return host === '::1' || host === '::'
}

const WILDCARDS = new Set(['', '0.0.0.0', '::'])

/**
 * The addresses of this service, found once at start so that no request waits on DNS: what the
 * short host resolves to (through DNS_SERVERS or the system's resolvers, at most ~1 s, A and AAAA),
 * and the addresses it listens on (every interface's when HOST is a wildcard). A failed look-up is
 * logged and leaves the names, loopback and the interfaces to the check.
 */
export async function ownAddresses(
  config: { shortHost: string; host: string; dnsServers: readonly string[] }, log: Logger,
): Promise<ReadonlySet<string>> {
  const found = new Set<string>()
  const short = canonicalHost(config.shortHost)
  if (isIP(short)) found.add(short)
  else if (!isLoopbackHost(short)) for (const a of await resolveAddresses(short, config.dnsServers, log)) found.add(canonicalHost(a))
  const listen = canonicalHost(config.host)
  if (isIP(listen) && !WILDCARDS.has(listen)) found.add(listen)
  else if (WILDCARDS.has(listen))
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) found.add(canonicalHost(i.address))
  return found
}

async function resolveAddresses(name: string, servers: readonly string[], log: Logger): Promise<string[]> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 })
  if (servers.length) resolver.setServers([...servers])
  const answers = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)])
  const addresses = answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : []))
  if (!addresses.length) log.warn('the short host resolves to no address; the loop check knows its names only', { host: name })
  return addresses
}
