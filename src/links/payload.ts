// The payloads of typed links (wifi, vcard, text), checked field by field.
import { AppError } from '../errors'

type Field = { name: string; required?: boolean; max: number; kind?: 'string' | 'boolean'; oneOf?: string[] }

const FIELDS: Record<'wifi' | 'vcard' | 'text', Field[]> = {
  wifi: [
    { name: 'ssid', required: true, max: 32 },
    { name: 'encryption', required: true, max: 8, oneOf: ['WPA', 'WEP', 'nopass'] },
    { name: 'password', max: 63 },
    { name: 'hidden', max: 0, kind: 'boolean' },
  ],
  vcard: [
    { name: 'name', required: true, max: 200 },
    { name: 'phone', max: 50 }, { name: 'email', max: 254 }, { name: 'org', max: 200 },
    { name: 'title', max: 200 }, { name: 'url', max: 2048 }, { name: 'address', max: 500 },
  ],
  text: [{ name: 'text', required: true, max: 4000 }],
}

export function checkPayload(kind: 'wifi' | 'vcard' | 'text', payload: Record<string, unknown> | null | undefined) {
  if (!payload) throw new AppError('VALIDATION_ERROR', `A ${kind} link needs a payload`, { field: 'payload' })
  const out: Record<string, unknown> = {}
  for (const f of FIELDS[kind]) {
    const v = payload[f.name]
    const field = `payload.${f.name}`
    if (v === undefined || v === null || v === '') {
      if (f.required) throw new AppError('VALIDATION_ERROR', `${field} is required for ${kind} links`, { field })
      continue
    }
    if (f.kind === 'boolean') {
      if (typeof v !== 'boolean') throw new AppError('VALIDATION_ERROR', `${field} must be true or false`, { field })
    } else {
      if (typeof v !== 'string') throw new AppError('VALIDATION_ERROR', `${field} must be a string`, { field })
      if (v.length > f.max) throw new AppError('VALIDATION_ERROR', `${field} is longer than ${f.max} characters`, { field })
      if (f.oneOf && !f.oneOf.includes(v)) throw new AppError('VALIDATION_ERROR', `${field} must be one of ${f.oneOf.join(', ')}`, { field })
    }
    out[f.name] = v
  }
  if (kind === 'wifi' && out.encryption !== 'nopass' && !out.password)
    throw new AppError('VALIDATION_ERROR', 'payload.password is required unless encryption is nopass', { field: 'payload.password' })
  return out
}
