// The clicks waiting to be enriched, as bytes in one preallocated SharedArrayBuffer. The redirect
// thread copies each click's raw facts into it and keeps no object; a flush hands the enrichment
// worker a slice of it (two offsets), which the worker reads in place, and the space is released
// once the worker has answered. Only the redirect thread moves the offsets; the worker reads only
// slices it was handed, which nothing writes until they are released.
//
// A record: u32 its length in bytes, f64 ts, then each text field as u16 byte length + UTF-8.
// Records never straddle the end: the writer marks the rest of the end as skipped and wraps.
import type { RawClick } from './raw-click'

/** The part of the ring one flush takes: `count` records from byte position `from` to `to`. */
export type RingSlice = { readonly ring: ClickRing; readonly from: number; readonly to: number; readonly count: number }

/** What crosses to the worker: the offsets only (the worker was given the buffer once). */
export type RingSliceMessage = { from: number; to: number; count: number }

export const isRingSlice = (clicks: readonly RawClick[] | RingSlice): clicks is RingSlice => !Array.isArray(clicks)

/** 8 MiB: ~30,000 clicks of ordinary size, several seconds at 10,000 clicks/s. */
export const RING_BYTES = 8 * 1024 * 1024

const HEADER = 12 // u32 length + f64 ts
const SKIP = 0xffffffff // "the rest of the buffer up to its end is unused"
/** A field's bytes are stored up to this length (more than any header an HTTP server accepts). */
const FIELD_MAX = 0xffff
/** A field is cut to this many UTF-16 units, so that its UTF-8 (at most 3 bytes a unit) fits FIELD_MAX. */
const FIELD_UNITS = Math.floor(FIELD_MAX / 3)
/** Also the order in which they are stored. `variant` is '' when the visit had none. */
const FIELDS = ['linkId', 'ownerId', 'domain', 'ip', 'ua', 'referer', 'query', 'variant'] as const

const encoder = new TextEncoder()

export class ClickRing {
  readonly buffer: SharedArrayBuffer
  private readonly bytes: Uint8Array
  private readonly view: DataView
  readonly capacity: number
  /** Positions grow without bound (a byte's place is position % capacity): released < taken ≤ written. */
  private released = 0
  private taken = 0
  private written = 0
  /** Records written and not yet taken. */
  private waiting = 0

  constructor(capacity = RING_BYTES) {
    if (capacity < 1024 || capacity % 4 !== 0) throw new RangeError('a click ring holds at least 1 KiB, in whole 4-byte words')
    this.capacity = capacity
    this.buffer = new SharedArrayBuffer(capacity)
    this.bytes = new Uint8Array(this.buffer)
    this.view = new DataView(this.buffer)
  }

  /** Records written and not yet taken by a flush. */
  get size() {
    return this.waiting
  }

  /** Bytes of the records not yet taken by a flush. */
  get waitingBytes() {
    return this.written - this.taken
  }

  /** Bytes held by records not yet released. */
  get used() {
    return this.written - this.released
  }

  /** The time of the oldest record not yet taken, if any. */
  oldestTs(): number | undefined {
    if (this.waiting === 0) return undefined
    return this.view.getFloat64(this.placeOf(this.taken) + 4, true)
  }

  /** Copies the click in; false (and nothing written) when the ring has no room for it. */
  push(c: RawClick): boolean {
    // The most its UTF-8 can take: 3 bytes a UTF-16 unit, and each field's length prefix.
    let most = HEADER + 2 * FIELDS.length
    for (const f of FIELDS) most += 3 * Math.min((c[f] ?? '').length, FIELD_UNITS)
    let at = this.written % this.capacity
    let skipped = 0
    if (this.capacity - at < most) {
      skipped = this.capacity - at
      at = 0
    }
    if (this.used + skipped + most > this.capacity) return false
    if (skipped) {
      if (skipped >= 4) this.view.setUint32(this.capacity - skipped, SKIP, true)
      this.written += skipped
    }
    this.view.setFloat64(at + 4, c.ts, true)
    let p = at + HEADER
    for (const f of FIELDS) p = this.putText(p, c[f] ?? '')
    const length = p - at
    this.view.setUint32(at, length, true)
    this.written += length
    this.waiting++
    return true
  }

  /** Takes up to `max` of the oldest records not yet taken; null when none waits. */
  take(max: number): RingSlice | null {
    if (this.waiting === 0 || max <= 0) return null
    const from = this.taken
    let at = from
    let count = 0
    while (count < max && at < this.written) {
      at = this.recordAt(at)
      at += this.view.getUint32(at % this.capacity, true)
      count++
    }
    this.taken = at
    this.waiting -= count
    return { ring: this, from, to: at, count }
  }

  /** One slice of two taken one after the other (`b` right after `a`), released or given back as one. */
  join(a: RingSlice, b: RingSlice): RingSlice {
    if (a.ring !== this || b.ring !== this || a.to !== b.from) throw new Error('only adjoining click ring slices can be joined')
    return { ring: this, from: a.from, to: b.to, count: a.count + b.count }
  }

  /** Frees a taken slice's bytes; slices are released in the order they were taken. */
  release(slice: RingSlice) {
    if (slice.ring !== this || slice.from !== this.released || slice.to > this.taken)
      throw new Error('click ring slices must be released in the order they were taken')
    this.released = slice.to
  }

  /** Gives back the slice taken last, unreleased: its records wait to be taken again. */
  untake(slice: RingSlice) {
    if (slice.ring !== this || slice.to !== this.taken || slice.from < this.released)
      throw new Error('only the click ring slice taken last can be given back')
    this.taken = slice.from
    this.waiting += slice.count
  }

  /** The slice's clicks as objects (in the thread that owns the ring, when the worker is gone). */
  decode(slice: RingSlice): RawClick[] {
    return decodeRing(this.bytes, slice)
  }

  private placeOf(position: number) {
    return this.recordAt(position) % this.capacity
  }

  /** The position of the record at or after `position`, past a skipped end. */
  private recordAt(position: number): number {
    const at = position % this.capacity
    if (this.capacity - at < HEADER || this.view.getUint32(at, true) === SKIP) return position + this.capacity - at
    return position
  }

  /** Writes `text` as u16 length + UTF-8 at `at`; returns the position after it. */
  private putText(at: number, text: string): number {
    const units = Math.min(text.length, FIELD_UNITS)
    const bytes = this.bytes
    let p = at + 2
    let i = 0
    // Addresses, ids, hosts and most user agents are ASCII: copied unit by unit, nothing allocated.
    for (; i < units; i++) {
      const u = text.charCodeAt(i)
      if (u >= 0x80) break
      bytes[p++] = u
    }
    if (i < units) p += encoder.encodeInto(text.slice(i, units), bytes.subarray(p, p + 3 * (units - i))).written
    this.view.setUint16(at, p - at - 2, true)
    return p
  }
}

/**
 * The clicks of a slice of a ring's buffer; the worker calls this with the buffer it was given.
 * The slice's bytes are copied out first, into one Buffer (a slice that wraps past the end comes
 * out whole), and each field is then read from the copy as a string slice: no view object and no
 * decoder call per field.
 */
export function decodeRing(shared: Uint8Array, slice: RingSliceMessage): RawClick[] {
  const capacity = shared.byteLength
  const clicks: RawClick[] = new Array(slice.count)
  const from = slice.from % capacity
  const span = slice.to - slice.from
  // (one piece, or two when the slice wraps past the end)
  const bytes = Buffer.allocUnsafeSlow(span)
  const first = Math.min(span, capacity - from)
  bytes.set(shared.subarray(from, from + first))
  if (first < span) bytes.set(shared.subarray(0, span - first), first)
  let p = 0
  const text = () => {
    const end = p + 2 + bytes.readUInt16LE(p)
    const s = bytes.toString('utf8', p + 2, end)
    p = end
    return s
  }
  for (let n = 0; n < slice.count; n++) {
    // A skipped end: the next record is at the start of the buffer, `first` bytes into the copy.
    if (p < first && (first - p < HEADER || bytes.readUInt32LE(p) === SKIP)) p = first
    const start = p
    const ts = bytes.readDoubleLE(p + 4)
    p += HEADER
    // (in FIELDS order, as push wrote them)
    const linkId = text(), ownerId = text(), domain = text(), ip = text(), ua = text(), referer = text(), query = text(), variant = text()
    if (p - start !== bytes.readUInt32LE(start)) throw new Error('click ring record is corrupt')
    clicks[n] = variant ? { ts, linkId, ownerId, domain, ip, ua, referer, query, variant } : { ts, linkId, ownerId, domain, ip, ua, referer, query }
  }
  return clicks
}
