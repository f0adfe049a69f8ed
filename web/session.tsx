// Who is signed in: GET /api/v1/me through the cookie. A 401 means "signed out", not an error.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ApiError, unwrap } from './api'

export type Me = NonNullable<Awaited<ReturnType<typeof fetchMe>>>

async function fetchMe() {
  try {
    return (await unwrap(api.v1.me.get())).data
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null
    throw e
  }
}

export const useMe = () => useQuery({ queryKey: ['me'], queryFn: fetchMe, staleTime: 60_000 })

export function useSignedIn() {
  const client = useQueryClient()
  return () => client.invalidateQueries()
}

export async function signOut(client: ReturnType<typeof useQueryClient>) {
  await unwrap(api.auth.session.delete()).catch(() => undefined)
  client.clear()
  client.setQueryData(['me'], null)
}
