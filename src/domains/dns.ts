// DNS TXT look-ups for domain verification, through the resolvers of DNS_SERVERS (or the system's).
import { Resolver } from 'node:dns/promises'

/** Per name: the TXT strings found (chunks joined), and the resolver's error code when it failed. */
export type TxtFinding = { name: string; records: string[]; error?: string }

/** No such name, or no TXT record at it: an answer, not a failure. */
const EMPTY_ANSWERS = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN'])

export function createTxtLookup(servers: readonly string[], timeoutMs = 3000) {
  return async function lookupTxt(names: string[]): Promise<TxtFinding[]> {
    // One resolver per call: setServers is per instance and cheap, and nothing leaks between calls.
    const resolver = new Resolver({ timeout: timeoutMs, tries: 2 })
    if (servers.length) resolver.setServers([...servers])
    return Promise.all(names.map(async (name): Promise<TxtFinding> => {
      try {
        return { name, records: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')) }
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'ERROR'
        return EMPTY_ANSWERS.has(code) ? { name, records: [] } : { name, records: [], error: code }
      }
    }))
  }
}
