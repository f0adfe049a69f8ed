// A real SMTP server in the test process (smtp-server): the app sends through nodemailer to it,
// and tests read the tokens out of the messages that arrive.
import { SMTPServer } from 'smtp-server'

export type Received = { to: string[]; raw: string }

export type Inbox = {
  url: string
  messages: Received[]
  /** The next message to `to` whose text matches `pattern`, waiting for it up to `timeoutMs`. */
  waitFor(to: string, pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  close(): Promise<void>
}

export async function startInbox(): Promise<Inbox> {
  const messages: Received[] = []
  const consumed = new Set<Received>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8').replace(/=\r?\n/g, '')
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(to, pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        for (const m of messages) {
          if (consumed.has(m) || !m.to.includes(to.toLowerCase())) continue
          const match = m.raw.match(pattern)
          if (match) { consumed.add(m); return match }
        }
        await Bun.sleep(20)
      }
      throw new Error(`no message to ${to} matching ${pattern} within ${timeoutMs} ms`)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
