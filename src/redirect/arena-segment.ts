// One fixed-size segment of an arena's bytes, and the string format records use in it. Offsets
// here are local to the segment. A string is a head byte (ASCII flag, wide flag, and the UTF-8
// length when below 64) then, when wide, the length as a u32, then the bytes: most keys, ids and
// owners take one byte of length instead of four.

export const SEGMENT_SHIFT = 20
export const SEGMENT_BYTES = 1 << SEGMENT_SHIFT
/** The local offset in a global one (segment index above SEGMENT_SHIFT). */
export const LOCAL = SEGMENT_BYTES - 1
const ASCII = 0x80
const WIDE = 0x40
const SHORT_MAX = 0x3f

/** The most bytes `writeString` may use for `s`. */
export const stringBytes = (s: string) => 5 + 3 * s.length

export class Segment {
  readonly u8: Uint8Array
  readonly view: DataView
  /** The same memory as a Buffer, for its fast string slices. */
  readonly buf: Buffer
  /** First free byte. */
  end = 0
  /** Bytes of freed records below `end`. */
  dead = 0

  constructor() {
    const memory = new ArrayBuffer(SEGMENT_BYTES)
    this.u8 = new Uint8Array(memory)
    this.view = new DataView(memory)
    this.buf = Buffer.from(memory)
  }

  /** Writes `s` at `at`; returns the offset after it. */
  writeString(at: number, s: string): number {
    // Buffer#write, not TextEncoder#encodeInto: no view object per string, which cost tens of MB
    // of garbage per million entries (bench/cache-rss.ts).
    const wide = s.length > SHORT_MAX
    const written = this.buf.write(s, at + (wide ? 5 : 1), 'utf8')
    // Short in code units but not in bytes: make room for the wide length.
    if (!wide && written > SHORT_MAX) this.u8.copyWithin(at + 5, at + 1, at + 1 + written)
    // UTF-8 is never shorter than UTF-16 code units, and as long only when every one is ASCII.
    const ascii = written === s.length ? ASCII : 0
    if (written > SHORT_MAX) {
      this.u8[at] = ascii | WIDE
      this.view.setUint32(at + 1, written, true)
      return at + 5 + written
    }
    this.u8[at] = ascii | written
    return at + 1 + written
  }

  readString(at: number): string {
    const start = this.dataOf(at)
    return this.buf.toString(this.u8[at]! & ASCII ? 'latin1' : 'utf8', start, start + this.lengthOf(at))
  }

  /** Whether the string at `at` is `s`, without decoding ASCII. */
  stringEquals(at: number, s: string): boolean {
    if (!(this.u8[at]! & ASCII)) return this.readString(at) === s
    if (this.lengthOf(at) !== s.length) return false
    const u8 = this.u8
    for (let i = 0, p = this.dataOf(at); i < s.length; i++, p++) if (u8[p] !== s.charCodeAt(i)) return false
    return true
  }

  /** The offset after the string at `at`. */
  skipString(at: number): number {
    return this.dataOf(at) + this.lengthOf(at)
  }

  private lengthOf(at: number): number {
    const head = this.u8[at]!
    return head & WIDE ? this.view.getUint32(at + 1, true) : head & SHORT_MAX
  }

  private dataOf(at: number): number {
    return at + (this.u8[at]! & WIDE ? 5 : 1)
  }
}
