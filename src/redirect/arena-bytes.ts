// The bytes of an ArenaLru, outside the JS heap: records appended to 1 MiB segments and found by
// a u32 offset (segment index, then offset in it). Freed records are reclaimed a segment at a
// time, the most wasted first, whenever the current segment is full: its live records move to
// the current one and it is reused. So a pause moves a few MiB, never the whole arena, and dead
// bytes stay under 1/16 of what is held (plus a segment or two).
import { LOCAL, SEGMENT_BYTES, SEGMENT_SHIFT, Segment } from './arena-segment'

/** u32 owning slot (DEAD once freed), u32 length of the whole record. */
export const RECORD_HEADER = 8
/** The largest payload a record can have. */
export const MAX_PAYLOAD = SEGMENT_BYTES - RECORD_HEADER
const DEAD = 0xffffffff
/** Reclaim rather than add segments while this share of all bytes is dead. */
const RECLAIM_AT = 1 / 16
const MAX_SEGMENTS = 2 ** (32 - SEGMENT_SHIFT)

export type Moved = (slot: number, at: number) => void

export class ArenaBytes {
  private segments: Segment[] = []
  private current!: Segment
  private currentIndex = 0
  /** Indices of empty segments. */
  private empty: number[] = []
  private dead = 0

  constructor() {
    this.reset()
  }

  /** Drops every record and gives the memory back. */
  reset() {
    this.segments = [new Segment()]
    this.current = this.segments[0]!
    this.currentIndex = 0
    this.empty = []
    this.dead = 0
  }

  get capacity() {
    return this.segments.length * SEGMENT_BYTES
  }

  /** The segment of a global offset; `at & LOCAL` is the offset in it. */
  segmentOf(at: number): Segment {
    return this.segments[at >>> SEGMENT_SHIFT]!
  }

  /**
   * Room for a record of up to `payload` (≤ MAX_PAYLOAD) bytes; returns the global offset where
   * its payload starts. Reclaiming moves other records: `moved(slot, at)` is told of each.
   */
  reserve(payload: number, moved: Moved): number {
    const size = RECORD_HEADER + payload
    if (size > SEGMENT_BYTES) throw new RangeError(`a record of ${size} bytes exceeds a segment`)
    if (this.current.end + size > SEGMENT_BYTES) {
      this.advance()
      while (this.dead >= this.capacity * RECLAIM_AT) if (!this.reclaim(moved)) break
      if (this.current.end + size > SEGMENT_BYTES) this.advance()
    }
    return this.currentIndex * SEGMENT_BYTES + this.current.end + RECORD_HEADER
  }

  /** Keeps the record that `reserve` made room for, `payload` bytes long; returns its offset. */
  commit(slot: number, payload: number): number {
    const { current } = this
    const local = current.end
    current.view.setUint32(local, slot, true)
    current.view.setUint32(local + 4, RECORD_HEADER + payload, true)
    current.end += RECORD_HEADER + payload
    return this.currentIndex * SEGMENT_BYTES + local
  }

  free(at: number) {
    const segment = this.segmentOf(at)
    const local = at & LOCAL
    const length = segment.view.getUint32(local + 4, true)
    segment.view.setUint32(local, DEAD, true)
    segment.dead += length
    this.dead += length
  }

  private advance() {
    if (this.empty.length === 0) {
      if (this.segments.length === MAX_SEGMENTS) throw new RangeError('the arena has no segment left')
      this.empty.push(this.segments.push(new Segment()) - 1)
    }
    this.currentIndex = this.empty.pop()!
    this.current = this.segments[this.currentIndex]!
  }

  /** Empties the segment with the most dead bytes; false when none has any. */
  private reclaim(moved: Moved): boolean {
    let victimIndex = -1
    for (let i = 0; i < this.segments.length; i++) {
      if (i === this.currentIndex || this.segments[i]!.dead === 0) continue
      if (victimIndex === -1 || this.segments[i]!.dead > this.segments[victimIndex]!.dead) victimIndex = i
    }
    if (victimIndex === -1) return false
    const victim = this.segments[victimIndex]!
    for (let read = 0; read < victim.end;) {
      const slot = victim.view.getUint32(read, true)
      const length = victim.view.getUint32(read + 4, true)
      if (slot !== DEAD) {
        if (this.current.end + length > SEGMENT_BYTES) this.advance()
        const to = this.current.end
        this.current.u8.set(victim.u8.subarray(read, read + length), to)
        this.current.end += length
        moved(slot, this.currentIndex * SEGMENT_BYTES + to)
        // The old copy is dead at once, so that nothing is counted twice if this stops half-way.
        this.free(victimIndex * SEGMENT_BYTES + read)
      }
      read += length
    }
    this.dead -= victim.dead
    victim.end = victim.dead = 0
    this.empty.push(victimIndex)
    return true
  }
}
