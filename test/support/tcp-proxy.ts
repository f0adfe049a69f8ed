// A TCP proxy in front of a real server, which a test can cut and restore to simulate an outage.
import type { Socket, TCPSocketListener } from 'bun'
import { createTestDatabase } from './harness'

type Pipe = { upstream: Socket<Pipe> | null; pending: Uint8Array[]; client: Socket<Pipe> | null }

export class TcpProxy {
  private listener: TCPSocketListener<Pipe> | null = null
  private readonly open = new Set<Socket<Pipe>>()
  /** While set, bytes are dropped both ways and new connections are never passed on. */
  private stalled = false
  port = 0

  constructor(private readonly target: { hostname: string; port: number }) {}

  start(port = 0) {
    const self = this
    this.listener = Bun.listen<Pipe>({
      hostname: '127.0.0.1',
      port,
      socket: {
        async open(client) {
          self.open.add(client)
          client.data = { upstream: null, pending: [], client }
          if (self.stalled) return
          const upstream = await Bun.connect<Pipe>({
            ...self.target,
            socket: {
              data: (_s, chunk) => void (self.stalled || client.write(chunk)),
              close: () => void client.end(),
              error: () => void client.end(),
            },
          }).catch(() => null)
          if (!upstream) return void client.end()
          upstream.data = client.data
          self.open.add(upstream)
          client.data.upstream = upstream
          for (const chunk of client.data.pending) upstream.write(chunk)
          client.data.pending = []
        },
        data(client, chunk) {
          if (self.stalled) return
          if (client.data.upstream) client.data.upstream.write(chunk)
          else client.data.pending.push(new Uint8Array(chunk))
        },
        close(client) {
          client.data.upstream?.end()
          self.open.delete(client)
        },
        error(client) { client.data.upstream?.end() },
      },
    })
    this.port = this.listener.port
    return this
  }

  /** Drops every connection and refuses new ones. */
  cut() {
    this.listener?.stop(true)
    this.listener = null
    for (const s of this.open) s.terminate()
    this.open.clear()
  }

  /** Accepts connections again, on the same port. */
  restore() {
    if (this.stalled) this.dropStalled()
    if (!this.listener) this.start(this.port)
  }

  /**
   * The peer stops answering without closing anything (a cut cable, a dead proxy): connections
   * stay open, bytes go nowhere, new connections are accepted and never answered.
   */
  stall() {
    this.stalled = true
  }

  /** (Their streams lost bytes during the stall: they cannot carry on.) */
  private dropStalled() {
    this.stalled = false
    for (const s of this.open) s.terminate()
    this.open.clear()
  }
}

/** A fresh test database reached through a TcpProxy, so that a test can cut PostgreSQL away. */
export async function proxiedTestDatabase(): Promise<{ proxy: TcpProxy; url: string; drop(): Promise<void> }> {
  const db = await createTestDatabase()
  const real = new URL(db.url)
  const proxy = new TcpProxy({ hostname: real.hostname, port: Number(real.port || 5432) }).start()
  const url = new URL(db.url)
  url.hostname = '127.0.0.1'
  url.port = String(proxy.port)
  return {
    proxy, url: url.toString(),
    async drop() {
      proxy.cut()
      await db.drop()
    },
  }
}
