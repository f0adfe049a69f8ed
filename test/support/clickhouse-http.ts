// A ClickHouse server for tests, in its own process: ClickHouse's HTTP interface (the subset
// @clickhouse/client speaks: /ping, queries in the body or in `query`, insert data in the body,
// settings and param_* in the URL, Basic or X-ClickHouse-* credentials, errors as status 500
// with "Code: N. DB::Exception") in front of a real ClickHouse engine, chDB, which binds one
// data directory per process, hence the process of its own.
//   bun test/support/clickhouse-http.ts <data dir> <port> <user> <password>
// Prints "LISTENING <port>" once it answers.
import { mkdirSync } from 'node:fs'
import { Readable } from 'node:stream'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'

const [dir, portArg, user, password] = process.argv.slice(2)
mkdirSync(dir, { recursive: true })
const engine = createClient({ connection: createChdbConnection({ path: dir }) as never })

// URL parameters that are not settings.
const NOT_SETTINGS = new Set(['query', 'query_id', 'database', 'session_id', 'role', 'user', 'password'])

function authorized(req: Request, url: URL): boolean {
  const basic = req.headers.get('authorization')
  if (basic?.startsWith('Basic ')) {
    const [u, ...p] = Buffer.from(basic.slice(6), 'base64').toString().split(':')
    return u === user && p.join(':') === password
  }
  const u = req.headers.get('x-clickhouse-user') ?? url.searchParams.get('user') ?? 'default'
  const p = req.headers.get('x-clickhouse-key') ?? url.searchParams.get('password') ?? ''
  return u === user && p === password
}

function fail(code: number, message: string, status = 500) {
  return new Response(`Code: ${code}. DB::Exception: ${message}\n`, { status, headers: { 'x-clickhouse-exception-code': String(code) } })
}

const server = Bun.serve({
  port: Number(portArg),
  hostname: '127.0.0.1',
  async fetch(req) {
    const url = new URL(req.url)
    if (url.pathname === '/ping') return new Response('Ok.\n')
    if (!authorized(req, url)) return fail(516, `${user}: Authentication failed: password is incorrect, or there is no user with such name.`, 403)
    const database = url.searchParams.get('database') ?? 'default'
    if (database !== 'default') return fail(81, `Database ${database} does not exist. (UNKNOWN_DATABASE)`, 404)
    const settings: Record<string, string | number> = {}
    const params: Record<string, string> = {}
    for (const [k, v] of url.searchParams) {
      if (k.startsWith('param_')) params[k.slice(6)] = v
      else if (!NOT_SETTINGS.has(k)) settings[k] = /^-?\d+$/.test(v) ? Number(v) : v
    }
    const body = req.method === 'POST' ? await req.text() : ''
    const inUrl = url.searchParams.get('query')
    // An insert names its statement in `query` and sends its rows as the body; anything else
    // sends the statement as the body.
    const query = inUrl ? inUrl : body
    const values = inUrl && body ? Readable.from([Buffer.from(body)]) : undefined
    try {
      const r = await engine.exec({ query, clickhouse_settings: settings, query_params: params, ...(values ? { values } : {}) })
      const out = await new Response(Readable.toWeb(r.stream) as ReadableStream).arrayBuffer()
      return new Response(out, { headers: { 'x-clickhouse-query-id': r.query_id, 'x-clickhouse-summary': JSON.stringify(r.summary ?? {}) } })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      return fail(Number(/Code: (\d+)/.exec(message)?.[1] ?? 1001), message)
    }
  },
})
console.log(`LISTENING ${server.port}`)
process.on('SIGTERM', async () => {
  server.stop(true)
  await engine.close()
  process.exit(0)
})
