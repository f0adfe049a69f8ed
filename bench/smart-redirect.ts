// What routing rules and an A/B test add to a redirect: the redirect handler, in this process,
// on cached links, for a plain link and for a link with five rules (none of which holds, so all
// five are evaluated: country from the geo file, OS from the user agent, language, query
// parameter, client IP in a CIDR block) and a two-variant A/B test that then decides. Each
// request has its own client address (one of 4,096) and one of four user agents; clicks are
// built and pushed as with a click store. Prints ns per redirect of each and their ratio.
// No server: HTTP parsing and the socket, which every redirect pays alike, are left out, so the
// ratio is an upper bound of what a served redirect shows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config'
import { createDeps, closeDeps } from '../src/deps'
import { openDatabase } from '../src/db/client'
import { CountingSink } from '../src/clicks/sink'
import { createRedirectHandler } from '../src/redirect/index'
import { cacheKey, type LinkEntry } from '../src/redirect/link-entry'
import { smartEntryOf } from '../src/redirect/smart-entry'
import { silentLogger } from '../src/shared/log'

const CALLS = Number(process.env.BENCH_REDIRECTS ?? 300_000)
const ROUNDS = 5
const dataDir = mkdtempSync(join(tmpdir(), 'kurz-bench-smart-'))
const config = loadConfig({ DATA_DIR: dataDir, BASE_URL: 'http://kurz.test', TRUST_PROXY: 'true' })
const deps = await createDeps(config, { log: silentLogger, clicks: new CountingSink(0), database: await openDatabase({ url: null, dir: null }) })

const base = { ownerId: 'usr_0123456789abcdefghijkl', status: 'ACTIVE', expiresAt: 0, singleUse: false, kind: 'url' } as const
const plain: LinkEntry = { id: 'lnk_plain', ...base, target: 'https://example.com/landing', smart: null }
const smart: LinkEntry = {
  id: 'lnk_smart', ...base, target: 'https://example.com/landing',
  smart: smartEntryOf({
    kind: 'url',
    rules: [
      { conditions: [{ type: 'country', values: ['JP'] }], url: 'https://example.com/jp' },
      { conditions: [{ type: 'os', values: ['BlackBerry'] }], url: 'https://example.com/bb' },
      { conditions: [{ type: 'language', values: ['fi'] }], url: 'https://example.com/fi' },
      { conditions: [{ type: 'query', param: 'promo', equals: 'vip' }], url: 'https://example.com/vip' },
      { conditions: [{ type: 'ip', values: ['192.0.2.0/24', '2001:db8::/32'] }], url: 'https://example.com/office' },
    ],
    abTest: { variants: [{ url: 'https://example.com/a', weight: 50 }, { url: 'https://example.com/b', weight: 50 }] },
  }),
}
for (const [slug, entry] of [['plain', plain], ['smart', smart]] as const) deps.linkCache.fillLocal(cacheKey('', slug), entry, deps.linkCache.startFill())

const handler = createRedirectHandler(deps, deps.domains)
const agents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
]
const headers = Array.from({ length: 4096 }, (_, i) => ({
  'user-agent': agents[i & 3]!, 'x-forwarded-for': `${(i * 37) % 223 + 1}.${(i >> 4) & 255}.${i & 255}.7`, 'accept-language': 'en-US,en;q=0.8',
}))

/**
 * --served: the same two links served over HTTP on 127.0.0.1, driven by wrk (1 thread, 32
 * connections, WRK_SECONDS each, alternating, best of three), each request with its own address
 * and user agent from a Lua script; redirects per second of each and the cost ratio.
 */
async function served() {
  const { startServer } = await import('../src/server')
  const running = await startServer(deps, { port: 0, hostname: '127.0.0.1' })
  const script = join(dataDir, 'smart.lua')
  await Bun.write(script, `local ua = { ${agents.map((a) => JSON.stringify(a)).join(', ')} }
local n = 0
request = function()
  n = n + 1
  local i = n % 4096
  return wrk.format("GET", wrk.path, { ["User-Agent"] = ua[(i % 4) + 1], ["Accept-Language"] = "en-US,en;q=0.8",
    ["X-Forwarded-For"] = ((i * 37) % 223 + 1) .. "." .. (math.floor(i / 16) % 256) .. "." .. (i % 256) .. ".7" })
end
`)
  const seconds = Number(process.env.WRK_SECONDS ?? 5)
  const rate = async (slug: string) => {
    const proc = Bun.spawn(['wrk', '-t1', '-c32', `-d${seconds}s`, '-s', script, `${running.url}/${slug}`], { stdout: 'pipe' })
    const out = await new Response(proc.stdout).text()
    return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN)
  }
  const plainRps: number[] = []
  const smartRps: number[] = []
  for (let r = 0; r < 3; r++) { plainRps.push(await rate('plain')); smartRps.push(await rate('smart')) }
  await running.stop()
  const best = (xs: number[]) => Math.max(...xs)
  return { seconds, plainRps: Math.round(best(plainRps)), smartRps: Math.round(best(smartRps)), costRatio: Number((best(plainRps) / best(smartRps)).toFixed(3)) }
}

function nsPerRedirect(slug: string): number {
  const url = `http://kurz.test/${slug}`
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const res = handler(new Request(url, { headers: headers[i & 4095] }), null) as Response
    if (res.status !== 302) throw new Error(`${slug}: ${res.status}`)
  }
  return ((performance.now() - started) * 1e6) / CALLS
}

nsPerRedirect('plain'); nsPerRedirect('smart') // warm: JIT, the UA and geo caches
const plainNs: number[] = []
const smartNs: number[] = []
for (let r = 0; r < ROUNDS; r++) { plainNs.push(nsPerRedirect('plain')); smartNs.push(nsPerRedirect('smart')) }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const p = median(plainNs)
const s = median(smartNs)
const inProcess = { calls: CALLS, rounds: ROUNDS, plainNsPerRedirect: Math.round(p), smartNsPerRedirect: Math.round(s), ratio: Number((s / p).toFixed(3)) }
console.log(JSON.stringify({ inProcess }))
if (process.argv.includes('--served')) console.log(JSON.stringify({ served: await served() }))
await closeDeps(deps)
rmSync(dataDir, { recursive: true, force: true })
