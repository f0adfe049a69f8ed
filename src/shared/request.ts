// The facts of an HTTP request that the redirect, the typed-link page and the limits all read.
import { BlockList, isIP } from 'node:net'

/** What a request handler needs of the server it came through (Bun's and Elysia's both fit). */
export type RequestServer = { requestIP(r: Request): { address: string } | null } | null

/** The Host header without its port, lower case. */
export function hostOf(req: Request): string {
  const host = req.headers.get('host') ?? new URL(req.url).host
  const colon = host.lastIndexOf(':')
  return (colon > host.lastIndexOf(']') ? host.slice(0, colon) : host).toLowerCase()
}

/** The query string without '?', as RawClick.query carries it. */
export function queryOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? '' : url.slice(q + 1)
}

/** Link previews and prefetches are served but are not clicks. */
export function isPreview(req: Request): boolean {
  const h = req.headers
  // Chromium and Safari send Sec-Purpose, Firefox and older Chromium Purpose; X-Purpose is legacy.
  const purpose = h.get('sec-purpose') ?? h.get('purpose') ?? h.get('x-purpose')
  return purpose !== null && /prefetch|preview/i.test(purpose)
}

/** A visit that counts as a click: not a HEAD, not a link preview or prefetch. */
export function countsAsClick(req: Request): boolean {
  return req.method !== 'HEAD' && !isPreview(req)
}

/**
 * Which proxies in front of the server are trusted to append the client's address to
 * X-Forwarded-For: the nearest `hops` of them, or every address in `cidrs`.
 */
export type TrustProxy = Readonly<{ hops: number } | { cidrs: readonly string[] }> | null

/**
 * The client's address: with a trusted proxy, the X-Forwarded-For entry that the outermost trusted
 * proxy appended, else the socket's address; '' when unknown. Entries left of that one are written
 * by the client and never read: a client that sends its own X-Forwarded-For changes nothing.
 * The socket's address is read only when the answer needs it: each read is a system call
 * (getpeername), about 2 µs, on every recorded click.
 */
export function clientIp(trust: TrustProxy, req: Request, server: RequestServer): string {
  if (!trust) return socketPeer(req, server)
  const forwarded = req.headers.get('x-forwarded-for')
  if (!forwarded) return socketPeer(req, server)
  const hops = forwarded.split(',')
  if ('hops' in trust) return addressOf(hops[Math.max(0, hops.length - trust.hops)]) || socketPeer(req, server)
  const peer = socketPeer(req, server)
  const trusted = trustedList(trust.cidrs)
  // Only a trusted peer's header is read; then right to left, past every trusted proxy.
  if (peer && !isTrusted(trusted, peer)) return peer
  for (let i = hops.length - 1; i >= 0; i--) {
    const address = addressOf(hops[i])
    if (!address) return peer
    if (i === 0 || !isTrusted(trusted, address)) return address
  }
  return peer
}

/** The address at the socket's other end; '' when unknown. */
function socketPeer(req: Request, server: RequestServer): string {
  return server?.requestIP(req)?.address ?? ''
}

/** One X-Forwarded-For entry as a bare address ('1.2.3.4:80' and '[::1]:80' lose the port); '' when it is none. */
function addressOf(entry: string | undefined): string {
  let s = entry?.trim() ?? ''
  if (s.startsWith('[')) s = s.slice(1).replace(/\].*$/, '')
  else if (s.indexOf(':') !== -1 && s.indexOf(':') === s.lastIndexOf(':')) s = s.slice(0, s.indexOf(':'))
  return isIP(s) ? s : ''
}

const lists = new WeakMap<readonly string[], BlockList>()

function trustedList(cidrs: readonly string[]): BlockList {
  let list = lists.get(cidrs)
  if (!list) {
    list = new BlockList()
    for (const cidr of cidrs) {
      const [net, bits] = cidr.split('/')
      const type = isIP(net) === 6 ? 'ipv6' : 'ipv4'
      list.addSubnet(net, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type)
    }
    lists.set(cidrs, list)
  }
  return list
}

const isTrusted = (list: BlockList, address: string) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')

/**
 * IPv6 clients count per /64: a host is usually given a whole /64 and may pick any address in it.
 * IPv4 addresses (mapped ones too) count each on their own.
 */
export function groupOf(address: string): string {
  if (address.indexOf(':') === -1 || address.indexOf('.') !== -1) return address
  const bare = address.split('%')[0].toLowerCase()
  const [head, tail] = bare.split('::')
  const first = head ? head.split(':') : []
  const last = tail === undefined || tail === '' ? [] : tail.split(':')
  const parts = tail === undefined ? first : [...first, ...Array(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last]
  return `${parts.slice(0, 4).map((p) => parseInt(p, 16).toString(16)).join(':')}::/64`
}
