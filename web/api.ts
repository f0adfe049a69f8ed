// The dashboard's only way to the server: the public API through Eden Treaty, typed from the
// app's own type (a type import: no server code is bundled). The session cookie rides along
// (same origin); the dashboard holds no token.
import { treaty } from '@elysiajs/eden'
import type { App } from '../src/app'

export const api = treaty<App>(location.origin).api

/** An API envelope error: the code, the message and, when the API names one, the field. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field: string | null) {
    super(message)
  }
}

type Answer<T> = { data: T; error: null } | { data: null; error: { status: number; value: unknown } }

/** The data of a successful answer, or an ApiError built from the envelope (never raw JSON). */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<NonNullable<T>> {
  let answer: Answer<T>
  try {
    answer = await call
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check your connection and try again.', null)
  }
  if (!answer.error) return answer.data as NonNullable<T>
  const value = answer.error.value as { error?: { code?: string; message?: string; field?: unknown } } | null
  const e = value && typeof value === 'object' ? value.error : undefined
  return Promise.reject(new ApiError(
    answer.error.status, e?.code ?? 'ERROR', e?.message ?? 'Something went wrong. Please try again.',
    typeof e?.field === 'string' ? e.field : null,
  ))
}

/** The message for a field, when the error names it (or one of its aliases). */
export function fieldError(error: unknown, ...fields: string[]): string | null {
  return error instanceof ApiError && error.field && fields.includes(error.field) ? error.message : null
}

/** The message for the form as a whole: an error no field claims. */
export function formError(error: unknown, claimed: string[]): string | null {
  if (!error) return null
  if (error instanceof ApiError) return error.field && claimed.includes(error.field) ? null : error.message
  return 'Something went wrong. Please try again.'
}

export const numberFormat = new Intl.NumberFormat()
export const fmt = (n: number) => numberFormat.format(n)
