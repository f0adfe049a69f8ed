// A tiny authoritative DNS server on 127.0.0.1 (UDP) answering TXT queries from a map, so that
// domain verification is tested through a real DNS exchange with node:dns's resolver.
import { createSocket } from 'node:dgram'

export type DnsServer = {
  /** `127.0.0.1:<port>`, the form DNS_SERVERS takes. */
  address: string
  /** TXT strings per name (lower case, no trailing dot); a name absent from the map is NXDOMAIN. */
  txt: Map<string, string[]>
  queries: string[]
  close(): void
}

export async function startDnsServer(): Promise<DnsServer> {
  const txt = new Map<string, string[]>()
  const queries: string[] = []
  const socket = createSocket('udp4')
  socket.on('message', (msg, peer) => {
    const answer = respond(msg, txt, queries)
    if (answer) socket.send(answer, peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { address: `127.0.0.1:${socket.address().port}`, txt, queries, close: () => socket.close() }
}

function respond(msg: Buffer, txt: Map<string, string[]>, queries: string[]): Buffer | null {
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
  const records = txt.get(name)
  const answers = records && qtype === 16 ? records.map(txtRecord) : []
  const header = Buffer.alloc(12)
  msg.copy(header, 0, 0, 2) // the query's id
  header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | (records ? 0 : 3), 2) // QR, AA, RD echoed; NXDOMAIN when unknown
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
  const rdata = Buffer.concat(chunks)
  const rr = Buffer.alloc(12)
  rr.writeUInt16BE(0xc00c, 0)
  rr.writeUInt16BE(16, 2) // TXT
  rr.writeUInt16BE(1, 4) // IN
  rr.writeUInt32BE(60, 6)
  rr.writeUInt16BE(rdata.length, 10)
  return Buffer.concat([rr, rdata])
}
