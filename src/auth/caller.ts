// Who is calling: resolved once per request by the auth plugin, handed to every service.
import type { Plan } from '../plans/table'

/** What an API key starts with: it tells a key from a JWT. */
export const API_KEY_PREFIX = 'sk_live_'

export type Caller = {
  userId: string
  email: string
  role: 'USER' | 'ADMIN'
  plan: Plan
  /** The API key used, or null for a JWT. Rate limits are per key, else per account. */
  keyId: string | null
  /** Signed in by the dashboard's session cookie (links it creates are `source: DASHBOARD`). */
  session?: true
}
