// The files an import reads: Kurz's own export (CSV or JSON) and the exports of Bitly (CSV),
// Kutt (its API's JSON list), YOURLS (its yourls_url table as CSV) and Shlink (the web client's
// CSV, or its API's JSON list). Each becomes the same rows; nothing here touches the database.
import { AppError } from '../errors'
import { parseJsonBody } from '../shared/json-body'

export const FORMATS = ['kurz', 'bitly', 'kutt', 'yourls', 'shlink'] as const
export type Format = (typeof FORMATS)[number]

/** One link to import, by its 1-based row number in the file (the header is not a row). */
export type ImportRow = {
  row: number
  url: string | null
  slug: string | null
  /** The host of its short URL at the old service, when the file says. */
  domain: string | null
  title: string | null
  tags: string[]
  expiresAt: string | null
  kind?: 'url' | 'wifi' | 'vcard' | 'text'
  payload?: Record<string, unknown> | null
  singleUse?: boolean
}

/** At most this many rows in one import (a larger file is split by the caller). */
export const MAX_ROWS = 100_000

const invalid = (message: string) => new AppError('VALIDATION_ERROR', message, { field: 'body' })

/** The rows of a file, in the format given or, for `auto`, the one its shape shows. */
export function readFile(text: string, format: Format | 'auto', maxJsonDepth: number): { format: Format; rows: ImportRow[] } {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') throw invalid('The file is empty')
  const looksJson = /^\s*[[{]/.test(body)
  const result = looksJson ? fromJson(body, format, maxJsonDepth) : fromCsv(body, format)
  if (result.rows.length === 0) throw invalid('The file has no links in it')
  if (result.rows.length > MAX_ROWS) throw invalid(`An import takes at most ${MAX_ROWS} rows; this file has ${result.rows.length}`)
  return result
}

// ---- CSV ----

/** RFC 4180: quoted fields may hold the delimiter, quotes ("") and line breaks; CRLF or LF. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++ } else quoted = false
      } else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === delimiter) { record.push(field); field = '' }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      record.push(field); field = ''
      if (record.length > 1 || record[0] !== '') records.push(record)
      record = []
    } else field += c
  }
  if (quoted) throw invalid('The CSV file ends inside a quoted field')
  record.push(field)
  if (record.length > 1 || record[0] !== '') records.push(record)
  return records
}

/** Header names compared without case, spaces or punctuation: "Long URL" is longurl. */
const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '')

function fromCsv(text: string, format: Format | 'auto'): { format: Format; rows: ImportRow[] } {
  const firstLine = text.slice(0, text.search(/\r|\n|$/))
  const delimiter = [',', ';', '\t'].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0]
  const [header, ...records] = parseCsv(text, delimiter)
  const names = header.map(norm)
  const has = (...n: string[]) => n.some((x) => names.includes(x))
  const detected: Format | null =
    has('longurl') && has('shortcode') ? 'shlink'
      : has('keyword') && has('url') ? 'yourls'
        : has('longurl') && has('bitlink', 'link', 'id', 'custombitlinks') ? 'bitly'
          : has('originalurl', 'url', 'target', 'destination') ? 'kurz'
            : null
  const chosen = format === 'auto' ? detected : format
  if (!chosen) throw invalid('The CSV header names no destination column (originalUrl, url or long_url)')
  const rows = records.map((cells, i) => {
    const get = (...keys: string[]) => {
      for (const k of keys) {
        const at = names.indexOf(k)
        const v = at >= 0 ? cells[at]?.trim() : undefined
        if (v) return v
      }
      return null
    }
    return CSV_READERS[chosen](get, i + 1)
  })
  return { format: chosen, rows }
}

type Get = (...keys: string[]) => string | null

const CSV_READERS: Record<Format, (get: Get, row: number) => ImportRow> = {
  kurz: (get, row) => {
    const kind = get('kind')
    let payload: Record<string, unknown> | null = null
    const rawPayload = get('payload')
    if (rawPayload) try { payload = JSON.parse(rawPayload) } catch { payload = null }
    return {
      row, url: get('originalurl', 'url', 'target', 'destination', 'longurl'), slug: get('slug', 'shortcode', 'keyword'),
      domain: get('domain'), title: get('title'), tags: splitTags(get('tags')), expiresAt: get('expiresat'),
      ...(kind && kind !== 'url' ? { kind: kind as ImportRow['kind'], payload } : {}),
      ...(get('singleuse') === 'true' ? { singleUse: true } : {}),
    }
  },
  bitly: (get, row) => {
    // A custom back-half (go.acme.com/launch) is what was printed; else the bitlink (bit.ly/3xYz).
    const short = shortParts(firstOf(get('custombitlinks')) ?? get('bitlink', 'link', 'shorturl', 'id'))
    return { row, url: get('longurl'), slug: short.slug, domain: short.domain, title: get('title'), tags: splitTags(get('tags')), expiresAt: null }
  },
  kutt: (get, row) => ({
    row, url: get('target'), slug: get('address'), domain: get('domain'), title: get('description'), tags: [], expiresAt: get('expirein'),
  }),
  yourls: (get, row) => ({ row, url: get('url'), slug: get('keyword'), domain: null, title: get('title'), tags: [], expiresAt: null }),
  shlink: (get, row) => {
    const short = shortParts(get('shorturl'))
    return {
      row, url: get('longurl'), slug: get('shortcode') ?? short.slug, domain: get('domain') ?? short.domain,
      title: get('title'), tags: splitTags(get('tags')), expiresAt: get('validuntil'),
    }
  },
}

// ---- JSON ----

type Obj = Record<string, unknown>

function fromJson(text: string, format: Format | 'auto', maxJsonDepth: number): { format: Format; rows: ImportRow[] } {
  let doc: unknown
  try {
    doc = parseJsonBody(text, maxJsonDepth)
  } catch (e) {
    if (e instanceof AppError) throw e
    throw invalid('The JSON file could not be read')
  }
  const items = listOf(doc)
  if (!items) throw invalid('The JSON file holds no list of links (an array, or data, links or shortUrls.data)')
  const first = items.find(isObj) ?? {}
  const detected: Format | null =
    'target' in first && 'address' in first ? 'kutt'
      : 'longUrl' in first && 'shortCode' in first ? 'shlink'
        : 'long_url' in first ? 'bitly'
          : 'originalUrl' in first || 'url' in first ? 'kurz'
            : null
  const chosen = format === 'auto' ? detected : format
  if (!chosen || chosen === 'yourls') throw invalid(chosen ? 'YOURLS files are CSV (its yourls_url table)' : 'The JSON file\'s links name no destination (originalUrl, target or longUrl)')
  return { format: chosen, rows: items.map((item, i) => JSON_READERS[chosen](isObj(item) ? item : {}, i + 1)) }
}

function listOf(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc
  if (!isObj(doc)) return null
  const data = doc.data
  if (Array.isArray(data)) return data
  if (isObj(data) && Array.isArray(data.content)) return data.content
  if (Array.isArray(doc.links)) return doc.links
  if (isObj(doc.shortUrls) && Array.isArray(doc.shortUrls.data)) return doc.shortUrls.data
  return null
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)
const strings = (v: unknown) => (Array.isArray(v) ? v.map(str).filter((x): x is string => x !== null) : typeof v === 'string' ? splitTags(v) : [])

const JSON_READERS: Record<Exclude<Format, 'yourls'>, (o: Obj, row: number) => ImportRow> = {
  kurz: (o, row) => {
    const kind = str(o.kind)
    return {
      row, url: str(o.originalUrl) ?? str(o.url), slug: str(o.slug) ?? str(o.shortCode), domain: str(o.domain),
      title: str(o.title), tags: strings(o.tags).concat(Array.isArray(o.tags) ? o.tags.filter(isObj).map((t) => str(t.name)).filter((x): x is string => !!x) : []),
      expiresAt: str(o.expiresAt),
      ...(kind && kind !== 'url' ? { kind: kind as ImportRow['kind'], payload: isObj(o.payload) ? o.payload : null } : {}),
      ...(o.singleUse === true ? { singleUse: true } : {}),
    }
  },
  bitly: (o, row) => {
    const custom = Array.isArray(o.custom_bitlinks) ? str(o.custom_bitlinks[0]) : null
    const short = shortParts(custom ?? str(o.link) ?? str(o.id))
    return { row, url: str(o.long_url), slug: short.slug, domain: short.domain, title: str(o.title), tags: strings(o.tags), expiresAt: null }
  },
  kutt: (o, row) => ({
    row, url: str(o.target), slug: str(o.address), domain: str(o.domain) ?? shortParts(str(o.link)).domain,
    title: str(o.description), tags: [], expiresAt: str(o.expire_in),
  }),
  shlink: (o, row) => {
    const meta = isObj(o.meta) ? o.meta : {}
    return {
      row, url: str(o.longUrl), slug: str(o.shortCode), domain: str(o.domain) ?? shortParts(str(o.shortUrl)).domain,
      title: str(o.title), tags: strings(o.tags), expiresAt: str(meta.validUntil),
    }
  },
}

// ---- shared ----

/** "bit.ly/3xYz" or "https://go.acme.com/launch" → its host and path (the slug). */
function shortParts(short: string | null): { domain: string | null; slug: string | null } {
  if (!short) return { domain: null, slug: null }
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(short) ? short : `https://${short}`)
    const slug = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''))
    return { domain: u.hostname.toLowerCase(), slug: slug || null }
  } catch {
    return { domain: null, slug: null }
  }
}

const firstOf = (list: string | null) => (list ? str(list.split(/[|,\s]+/)[0]) : null)

function splitTags(value: string | null): string[] {
  if (!value) return []
  return [...new Set(value.split(/[|,;]/).map((t) => t.trim()).filter(Boolean))]
}
