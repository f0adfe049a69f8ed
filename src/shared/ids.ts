// Opaque, prefixed ids (`lnk_…`, `usr_…`) and random tokens, all from the CSPRNG.
import { createHash, randomBytes } from 'node:crypto'

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** `length` base62 characters, uniform: bytes ≥ 248 are rejected to avoid modulo bias. */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62]
      if (out.length === length) break
    }
  }
  return out
}

export type IdPrefix = 'lnk' | 'usr' | 'key' | 'dom' | 'whk' | 'dlv' | 'evt' | 'req' | 'imp' | 'tag' | 'utm'

export const newId = (prefix: IdPrefix) => `${prefix}_${randomBase62(20)}`

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex')
