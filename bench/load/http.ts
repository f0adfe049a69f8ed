// A small HTTP/1.1 client over Bun.connect: keep-alive connections, one request at a time on each,
// everything on the load generator's one thread. Bun's fetch hands each request to an HTTP thread;
// with the generator pinned to one core, those wake-ups put milliseconds into its tail latency
// (p99 7.7 ms at 3,000/s against a bare server that this client answers in well under one).
import type { Socket } from 'bun'

export type Answer = { status: number; headers: Record<string, string>; body: Uint8Array }
export type Request = { method: string; path: string; headers?: Record<string, string>; body?: string }

const TIMEOUT_MS = 10_000
/**
 * An idle connection older than this is closed rather than reused: servers close idle ones
 * (Bun.serve after 10 s), and one picked just as the server closes it would fail a request
 * that the server never saw.
 */
const IDLE_MAX_MS = 4_000
const CRLF2 = Buffer.from('\r\n\r\n')
const CRLF = Buffer.from('\r\n')

type Pending = { method: string; resolve(a: Answer): void; reject(e: Error): void; sentAt: number }

class Connection {
  socket: Socket | undefined
  pending: Pending | undefined
  idleSince = 0
  private buf = Buffer.alloc(0)
  private unsent: Buffer | undefined

  constructor(private readonly pool: Pool) {}

  send(req: Buffer, p: Pending) {
    this.pending = p
    this.buf = Buffer.alloc(0)
    this.write(req)
  }

  write(bytes: Buffer) {
    const n = this.socket!.write(bytes)
    this.unsent = n < bytes.length ? bytes.subarray(Math.max(0, n)) : undefined
  }

  drain() {
    if (this.unsent) this.write(this.unsent)
  }

  data(chunk: Uint8Array) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk)
    const p = this.pending
    if (!p) return
    const answer = parse(this.buf, p.method)
    if (!answer) return
    this.pending = undefined
    if (answer.headers.connection?.toLowerCase() === 'close') this.fail(new Error('closed by the server'))
    else this.pool.release(this)
    p.resolve(answer)
  }

  fail(e: Error) {
    const p = this.pending
    this.pending = undefined
    this.pool.forget(this)
    this.socket?.end()
    p?.reject(e)
  }
}

/** The whole answer once it is in `buf`, or undefined while more bytes are due. */
function parse(buf: Buffer, method: string): Answer | undefined {
  const end = buf.indexOf(CRLF2)
  if (end < 0) return undefined
  const lines = buf.toString('latin1', 0, end).split('\r\n')
  const status = Number(lines[0].split(' ')[1])
  const headers: Record<string, string> = {}
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].indexOf(':')
    if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim()
  }
  const start = end + 4
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, headers, body: new Uint8Array(0) }
  if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = []
    let at = start
    for (;;) {
      const eol = buf.indexOf(CRLF, at)
      if (eol < 0) return undefined
      const size = parseInt(buf.toString('latin1', at, eol), 16)
      if (size === 0) return buf.indexOf(CRLF, eol + 2) < 0 ? undefined : { status, headers, body: Buffer.concat(parts) }
      if (buf.length < eol + 2 + size + 2) return undefined
      parts.push(buf.subarray(eol + 2, eol + 2 + size))
      at = eol + 2 + size + 2
    }
  }
  const length = Number(headers['content-length'] ?? 0)
  return buf.length < start + length ? undefined : { status, headers, body: buf.subarray(start, start + length) }
}

/** Keep-alive connections to one origin: as many as requests in flight at once, reused when idle. */
export class Pool {
  private readonly idle: Connection[] = []
  private readonly open = new Set<Connection>()
  private readonly url: URL
  private readonly sweeper: Timer

  constructor(origin: string) {
    this.url = new URL(origin)
    // One timer for every request's timeout: a timer each costs more than the request.
    this.sweeper = setInterval(() => {
      const late = performance.now() - TIMEOUT_MS
      for (const c of this.open) if (c.pending && c.pending.sentAt < late) c.fail(new Error(`no answer in ${TIMEOUT_MS} ms`))
    }, 1000)
    this.sweeper.unref()
  }

  async request(r: Request): Promise<Answer> {
    const head = [`${r.method} ${this.url.pathname.replace(/\/$/, '')}${r.path} HTTP/1.1`, `host: ${this.url.host}`]
    for (const [k, v] of Object.entries(r.headers ?? {})) head.push(`${k}: ${v}`)
    const body = r.body === undefined ? undefined : Buffer.from(r.body)
    if (body) head.push(`content-length: ${body.length}`)
    const bytes = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), ...(body ? [body] : [])])
    const conn = this.reusable() ?? await this.connect()
    return new Promise<Answer>((resolve, reject) => conn.send(bytes, { method: r.method, resolve, reject, sentAt: performance.now() }))
  }

  release(c: Connection) {
    c.idleSince = performance.now()
    this.idle.push(c)
  }

  /** The most recently used idle connection, closing the ones idle too long. */
  private reusable(): Connection | undefined {
    const old = performance.now() - IDLE_MAX_MS
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.idleSince >= old) return c
      this.forget(c)
      c.socket?.end()
    }
    return undefined
  }

  forget(c: Connection) {
    this.open.delete(c)
    const i = this.idle.indexOf(c)
    if (i >= 0) this.idle.splice(i, 1)
  }

  close() {
    clearInterval(this.sweeper)
    for (const c of this.open) c.socket?.end()
  }

  private async connect(): Promise<Connection> {
    const c = new Connection(this)
    const tls = this.url.protocol === 'https:'
    c.socket = await Bun.connect({
      hostname: this.url.hostname, port: Number(this.url.port || (tls ? 443 : 80)), tls,
      socket: {
        data: (_s, chunk) => c.data(chunk),
        drain: () => c.drain(),
        close: () => c.fail(new Error('connection closed')),
        error: (_s, e) => c.fail(e),
      },
    })
    c.socket.setNoDelay(true)
    this.open.add(c)
    return c
  }
}
