// The client's address as the API's limits key it.
import type { Deps } from '../deps'
import { clientIp as clientIpOf, type RequestServer } from '../shared/request'

/** The client's address, as the limits key it: the shared reading, 'unknown' when there is none. */
export function clientIp(deps: Deps, request: Request, server: RequestServer): string {
  return clientIpOf(deps.config.trustProxy, request, server) || 'unknown'
}
