// A bounded LRU with a lifetime per entry whose keys and values live in typed arrays instead of
// JS objects: a million links cost their bytes plus ~36 bytes of index each, and give the GC
// nothing to walk. A slot is one 32-byte line of `slots` (hash, bucket chain, recency list,
// record offset, last hit, expiry), so a look-up touches one line per slot, not one per field;
// the records (key, then the codec's bytes) live in arena-bytes.ts.
import { ArenaBytes, MAX_PAYLOAD, RECORD_HEADER } from './arena-bytes'
import { LOCAL, stringBytes, type Segment } from './arena-segment'

/** How values become bytes: `write` may use up to `maxBytes(value)` and returns where it ended. */
export type ArenaCodec<V> = {
  maxBytes(value: V): number
  write(segment: Segment, at: number, value: V): number
  read(segment: Segment, at: number): V
}

export type ArenaLruOptions<V> = {
  max: number
  /** Lifetime of an entry unless `set` gives one; 0 for none. */
  ttlMs: number
  codec: ArenaCodec<V>
  /** Milliseconds on any monotonic clock. */
  now?: () => number
}

const NONE = -1
const INITIAL_SLOTS = 1024
/** Int32s per slot, and where each field sits; the expiry is the float64 in the last 8 bytes. */
const STRIDE = 8
const HASH = 0
/** Next slot in the same bucket, or in the free list. */
const CHAIN = 1
const NEWER = 2
const OLDER = 3
const OFFSET = 4
/** Milliseconds of the last `get`, as an int32 that wraps: gaps below 24 days compare right. */
const LAST_HIT = 5
const EXPIRES = 3
/** What `hitGapMs` says of an entry that no `get` returned before. */
const NEVER_HIT_GAP = 2 ** 30

export class ArenaLru<V> {
  /** Of the entry the last `get` returned: its expiry on this arena's clock, */
  hitExpiresAt = 0
  /** and the milliseconds since the `get` before that returned it (how hot it is). */
  hitGapMs = NEVER_HIT_GAP
  readonly now: () => number
  private count = 0
  private capacity = 0
  /** Slots below this were handed out at least once; the others were never touched. */
  private fresh = 0
  /** Head of the free slots, chained through CHAIN. */
  private freeSlot = NONE
  private newest = NONE
  private oldest = NONE
  private mask = 0
  private buckets = new Int32Array(0)
  private slots = new Int32Array(0)
  /** The same memory as `slots`, for the expiry. */
  private f64 = new Float64Array(0)
  private readonly bytes = new ArenaBytes()
  /** Random per arena, so that nobody can choose slugs that share a bucket. */
  private readonly seed = (Math.random() * 2 ** 32) | 0
  private readonly moved = (slot: number, at: number) => void (this.slots[slot * STRIDE + OFFSET] = at)

  constructor(private readonly opts: ArenaLruOptions<V>) {
    if (!(opts.max >= 1)) throw new RangeError(`max must be at least 1, not ${opts.max}`)
    this.now = opts.now ?? (() => performance.now())
    this.clear()
  }

  get size() {
    return this.count
  }

  get max() {
    return this.opts.max
  }

  /** Bytes of typed arrays held: index and records. */
  get memoryBytes() {
    return this.slots.byteLength + this.buckets.byteLength + this.bytes.capacity
  }

  get(key: string): V | undefined {
    const slot = this.find(key, this.hash(key))
    if (slot === NONE) return undefined
    const expires = this.f64[slot * (STRIDE / 2) + EXPIRES]!
    const now = this.now()
    if (expires <= now) {
      this.remove(slot)
      return undefined
    }
    this.touch(slot)
    this.hitExpiresAt = expires
    this.hitGapMs = ((now | 0) - this.slots[slot * STRIDE + LAST_HIT]!) | 0
    this.slots[slot * STRIDE + LAST_HIT] = now | 0
    const at = this.offsetOf(slot)
    const segment = this.bytes.segmentOf(at)
    return this.opts.codec.read(segment, segment.skipString((at & LOCAL) + RECORD_HEADER))
  }

  /** Keeps `value` under `key`; a value too large for a segment (1 MiB) is not kept. */
  set(key: string, value: V, ttlMs = this.opts.ttlMs) {
    // Sized (and so checked by the codec) before the index changes.
    const need = stringBytes(key) + this.opts.codec.maxBytes(value)
    if (need > MAX_PAYLOAD) return void this.delete(key)
    // Room first: reclaiming moves records, and then no slot of this key is half made.
    const start = this.bytes.reserve(need, this.moved)
    const hash = this.hash(key)
    let slot = this.find(key, hash)
    const replaces = slot !== NONE
    if (!replaces) slot = this.insert(hash)
    const segment = this.bytes.segmentOf(start)
    const local = start & LOCAL
    const end = this.opts.codec.write(segment, segment.writeString(local, key), value)
    if (replaces) this.bytes.free(this.offsetOf(slot))
    const now = this.now()
    this.slots[slot * STRIDE + OFFSET] = this.bytes.commit(slot, end - local)
    this.slots[slot * STRIDE + LAST_HIT] = ((now | 0) - NEVER_HIT_GAP) | 0
    this.f64[slot * (STRIDE / 2) + EXPIRES] = ttlMs > 0 ? now + ttlMs : Infinity
    this.touch(slot)
  }

  delete(key: string): boolean {
    const slot = this.find(key, this.hash(key))
    if (slot !== NONE) this.remove(slot)
    return slot !== NONE
  }

  /** Forgets everything and gives the memory back. */
  clear() {
    this.count = this.fresh = 0
    this.freeSlot = this.newest = this.oldest = NONE
    this.slots = new Int32Array(0)
    this.bytes.reset()
    this.resize(Math.min(this.opts.max, INITIAL_SLOTS))
  }

  /**
   * FNV-1a over the UTF-16 code units from a random seed, then murmur3's finalizer; 31 bits.
   * In JS because a native hash (Bun.hash) costs a call per look-up: ~50 ns more on a warm key,
   * ~500 ns more on a cold one (measured).
   */
  private hash(key: string): number {
    let h = this.seed ^ key.length
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    return (h ^ (h >>> 16)) & 0x7fffffff
  }

  private offsetOf(slot: number): number {
    return this.slots[slot * STRIDE + OFFSET]! >>> 0
  }

  private find(key: string, hash: number): number {
    const slots = this.slots
    for (let slot = this.buckets[hash & this.mask]!; slot !== NONE; slot = slots[slot * STRIDE + CHAIN]!) {
      if (slots[slot * STRIDE + HASH] !== hash) continue
      const at = this.offsetOf(slot)
      if (this.bytes.segmentOf(at).stringEquals((at & LOCAL) + RECORD_HEADER, key)) return slot
    }
    return NONE
  }

  /** A slot for a new key, in its bucket but not yet in the recency list; evicts at `max`. */
  private insert(hash: number): number {
    if (this.count >= this.opts.max) this.remove(this.oldest)
    // Slots handed out = live + free, so with none free and below max, `fresh` < `max`.
    if (this.freeSlot === NONE && this.fresh === this.capacity) this.resize(Math.min(this.opts.max, this.capacity * 2))
    const slot = this.freeSlot !== NONE ? this.freeSlot : this.fresh++
    const at = slot * STRIDE
    if (slot === this.freeSlot) this.freeSlot = this.slots[at + CHAIN]!
    this.slots[at + HASH] = hash
    this.slots[at + CHAIN] = this.buckets[hash & this.mask]!
    this.buckets[hash & this.mask] = slot
    this.slots[at + NEWER] = this.slots[at + OLDER] = NONE
    this.count++
    return slot
  }

  private remove(slot: number) {
    const slots = this.slots
    const bucket = slots[slot * STRIDE + HASH]! & this.mask
    let before = NONE
    for (let s = this.buckets[bucket]!; s !== slot; s = slots[s * STRIDE + CHAIN]!) before = s
    if (before === NONE) this.buckets[bucket] = slots[slot * STRIDE + CHAIN]!
    else slots[before * STRIDE + CHAIN] = slots[slot * STRIDE + CHAIN]!
    this.unlink(slot)
    this.bytes.free(this.offsetOf(slot))
    slots[slot * STRIDE + CHAIN] = this.freeSlot
    this.freeSlot = slot
    this.count--
  }

  /** Makes `slot` the most recently used. */
  private touch(slot: number) {
    if (this.newest === slot) return
    this.unlink(slot)
    this.slots[slot * STRIDE + OLDER] = this.newest
    this.slots[slot * STRIDE + NEWER] = NONE
    if (this.newest !== NONE) this.slots[this.newest * STRIDE + NEWER] = slot
    this.newest = slot
    if (this.oldest === NONE) this.oldest = slot
  }

  private unlink(slot: number) {
    const slots = this.slots
    const newer = slots[slot * STRIDE + NEWER]!
    const older = slots[slot * STRIDE + OLDER]!
    if (newer !== NONE) slots[newer * STRIDE + OLDER] = older
    else if (this.newest === slot) this.newest = older
    if (older !== NONE) slots[older * STRIDE + NEWER] = newer
    else if (this.oldest === slot) this.oldest = newer
  }

  private resize(capacity: number) {
    const memory = new ArrayBuffer(capacity * STRIDE * 4)
    new Int32Array(memory).set(this.slots)
    this.slots = new Int32Array(memory)
    this.f64 = new Float64Array(memory)
    this.capacity = capacity
    // Buckets: the power of two at or above the capacity, rebuilt from the live slots.
    this.buckets = new Int32Array(2 ** Math.ceil(Math.log2(capacity))).fill(NONE)
    this.mask = this.buckets.length - 1
    for (let slot = this.newest; slot !== NONE; slot = this.slots[slot * STRIDE + OLDER]!) {
      const bucket = this.slots[slot * STRIDE + HASH]! & this.mask
      this.slots[slot * STRIDE + CHAIN] = this.buckets[bucket]!
      this.buckets[bucket] = slot
    }
  }
}
