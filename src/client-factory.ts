// The typed client of the Kurz API in one import: `createKurzClient(baseUrl, apiKey)` is an Eden
// Treaty client whose every route, body, query and answer is typed from the server's own routes.
import { treaty } from '@elysiajs/eden'
import type { App } from './app'

export type { App, Routes } from './client'

/** A client of the API at `baseUrl` (its origin) sending `apiKey` as a bearer token on every call. */
export function createKurzClient(baseUrl: string, apiKey?: string) {
  return treaty<App>(baseUrl, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {})
}

export type KurzClient = ReturnType<typeof createKurzClient>
