// A tiny authoritative DNS server on 127.0.0.1 (UDP) answering TXT, A and AAAA queries from maps,
// so that domain verification and webhook address checks are tested through a real DNS exchange
// with node:dns's resolver.
import { createSocket } from 'node:dgram'

export type DnsServer = {
  /** `127.0.0.1:<port>`, the form DNS_SERVERS takes. */
  address: string
  /** TXT strings per name (lower case, no trailing dot); a name absent from all three maps is NXDOMAIN. */
  txt: Map<string, string[]>
  /** IPv4 addresses per name, as for `txt`; a name in any of the maps exists (NOERROR). */
  a: Map<string, string[]>
  /** IPv6 addresses per name (no embedded dotted quads), as for `a`. */
  aaaa: Map<string, string[]>
  queries: string[]
  close(): void
}

export async function startDnsServer(): Promise<DnsServer> {
  const txt = new Map<string, string[]>()
  const a = new Map<string, string[]>()
  const aaaa = new Map<string, string[]>()
  const queries: string[] = []
  const socket = createSocket('udp4')
  socket.on('message', (msg, peer) => {
    const answer = respond(msg, { txt, a, aaaa }, queries)
    if (answer) socket.send(answer, peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { address: `127.0.0.1:${socket.address().port}`, txt, a, aaaa, queries, close: () => socket.close() }
}

type Zone = { txt: Map<string, string[]>; a: Map<string, string[]>; aaaa: Map<string, string[]> }

function respond(msg: Buffer, zone: Zone, queries: string[]): Buffer | null {
  if (msg.length < 17) return null
  let off = 12
  const labels: string[] = []
  while (off < msg.length && msg[off] !== 0) {
    labels.push(msg.subarray(off + 1, off + 1 + msg[off]).toString('latin1'))
    off += msg[off] + 1
  }
  const questionEnd = off + 5
  const qtype = msg.readUInt16BE(off + 1)
  const name = labels.join('.').toLowerCase()
  queries.push(name)
  const known = zone.txt.has(name) || zone.a.has(name) || zone.aaaa.has(name)
  const answers = qtype === 16 ? (zone.txt.get(name) ?? []).map(txtRecord)
    : qtype === 1 ? (zone.a.get(name) ?? []).map((ip) => record(1, Buffer.from(ip.split('.').map(Number))))
    : qtype === 28 ? (zone.aaaa.get(name) ?? []).map((ip) => record(28, ipv6Bytes(ip)))
    : []
  const header = Buffer.alloc(12)
  msg.copy(header, 0, 0, 2) // the query's id
  header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2) // QR, AA, RD echoed; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(answers.length, 6)
  return Buffer.concat([header, msg.subarray(12, questionEnd), ...answers])
}

/** One TXT answer, pointing back at the question's name; long strings split into 255-byte chunks. */
function txtRecord(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8')
  const chunks: Buffer[] = []
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    const part = bytes.subarray(i, i + 255)
    chunks.push(Buffer.from([part.length]), part)
  }
  return record(16, Buffer.concat(chunks))
}

/** One answer of `type`, pointing back at the question's name. */
function record(type: number, rdata: Buffer): Buffer {
  const rr = Buffer.alloc(12)
  rr.writeUInt16BE(0xc00c, 0)
  rr.writeUInt16BE(type, 2)
  rr.writeUInt16BE(1, 4) // IN
  rr.writeUInt32BE(60, 6)
  rr.writeUInt16BE(rdata.length, 10)
  return Buffer.concat([rr, rdata])
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0')
  const bytes = Buffer.alloc(16)
  ;[...headGroups, ...zeros, ...tailGroups].forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2))
  return bytes
}
