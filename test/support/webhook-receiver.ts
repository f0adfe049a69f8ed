// A webhook receiver on 127.0.0.1 that keeps every request and answers with the status asked.
export type Received = { headers: Record<string, string>; body: string; json: any }

export type Receiver = {
  url: string
  received: Received[]
  /** What the next requests get; `hang` never answers (for time-outs). */
  answer: number | 'hang'
  close(): void
}

export function startReceiver(path = '/hook'): Receiver {
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: 200,
    close: () => server.stop(true),
  }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const body = await req.text()
      let json: unknown = null
      try { json = JSON.parse(body) } catch { /* kept as text */ }
      receiver.received.push({ headers: Object.fromEntries(req.headers), body, json })
      if (receiver.answer === 'hang') return new Promise<Response>(() => {})
      return new Response('ok', { status: receiver.answer })
    },
  })
  receiver.url = `http://127.0.0.1:${server.port}${path}`
  return receiver
}
