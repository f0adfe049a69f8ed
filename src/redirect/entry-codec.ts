// A link entry in its two stored forms: bytes in this process's arena, and text in Redis.
//
// To add a field the redirect needs (say, a password hash):
//   1. link-entry.ts: the field in LinkEntry, its column in LinkEntryRow, and in toLinkEntry;
//   2. resolve.ts: the column in the prepared look-up's select;
//   3. this file: the field in maxBytes, write and read (read builds it in toLinkEntry's order),
//      and SHARED_LAYOUT one higher;
//   4. visit.ts: the rule that reads it; test/link-arena.test.ts: a round trip with the field set.
// Writers need nothing: refresh() takes the row their UPDATE ... RETURNING gave back.
// Entries already stored: the arena lives and dies with the process, so it never holds an older
// layout. Redis does (for up to REDIS_LINK_TTL_SECONDS, and during a rolling deploy older
// instances keep writing): an entry whose layout is not SHARED_LAYOUT is read as not cached and
// deleted, so PostgreSQL answers and the next fill writes the current layout. Older instances
// cannot parse a newer entry either, and likewise read it as not cached.
//
// The arena form: a tag byte: a miss, a link with a target, or a typed link (target null), plus a
// flag when it expires; then status, kind and single-use as a byte each, expiresAt as a float64
// (only when not 0), and id, owner and target as strings (any format: ids are not assumed to be UUIDs).
import { stringBytes } from './arena-segment'
import type { ArenaCodec } from './arena-lru'
import { type Cached, type LinkEntry, MISS } from './link-entry'
import type { SmartEntry } from './smart-entry'

const MISS_TAG = 0
const URL_TAG = 1
const TYPED_TAG = 2
const TAG_BITS = 3
const EXPIRES_FLAG = 4
/** The entry has a smart part (smart-entry.ts), kept as JSON text after the target. */
const SMART_FLAG = 8
const STATUSES: readonly LinkEntry['status'][] = ['ACTIVE', 'EXPIRED', 'USED', 'DISABLED']
const KINDS: readonly LinkEntry['kind'][] = ['url', 'wifi', 'vcard', 'text']
/** Tag, status, kind, single-use. */
const HEAD = 4

function indexIn<T>(list: readonly T[], value: T, what: string): number {
  const i = list.indexOf(value)
  if (i === -1) throw new TypeError(`cannot cache a link with ${what} ${String(value)}`)
  return i
}

export const entryCodec: ArenaCodec<Cached> = {
  maxBytes(value) {
    if (value === 0) return 1
    indexIn(STATUSES, value.status, 'status')
    indexIn(KINDS, value.kind, 'kind')
    return HEAD + 8 + stringBytes(value.id) + stringBytes(value.ownerId) + (value.target === null ? 0 : stringBytes(value.target))
      + (value.smart === null ? 0 : stringBytes(JSON.stringify(value.smart)))
  },

  write(segment, at, value) {
    const { u8 } = segment
    if (value === 0) {
      u8[at] = MISS_TAG
      return at + 1
    }
    const expires = value.expiresAt !== 0
    u8[at] = (value.target === null ? TYPED_TAG : URL_TAG) | (expires ? EXPIRES_FLAG : 0) | (value.smart === null ? 0 : SMART_FLAG)
    u8[at + 1] = indexIn(STATUSES, value.status, 'status')
    u8[at + 2] = indexIn(KINDS, value.kind, 'kind')
    u8[at + 3] = value.singleUse ? 1 : 0
    if (expires) segment.view.setFloat64(at + HEAD, value.expiresAt, true)
    const end = segment.writeString(segment.writeString(at + HEAD + (expires ? 8 : 0), value.id), value.ownerId)
    const afterTarget = value.target === null ? end : segment.writeString(end, value.target)
    return value.smart === null ? afterTarget : segment.writeString(afterTarget, JSON.stringify(value.smart))
  },

  read(segment, at) {
    const { u8 } = segment
    const tag = u8[at]!
    if (tag === MISS_TAG) return 0
    const expires = (tag & EXPIRES_FLAG) !== 0
    const id = at + HEAD + (expires ? 8 : 0)
    const owner = segment.skipString(id)
    const typed = (tag & TAG_BITS) === TYPED_TAG
    const afterOwner = segment.skipString(owner)
    // The same property order as toLinkEntry, so that every entry has one shape.
    return {
      id: segment.readString(id),
      ownerId: segment.readString(owner),
      target: typed ? null : segment.readString(afterOwner),
      status: STATUSES[u8[at + 1]!]!,
      expiresAt: expires ? segment.view.getFloat64(at + HEAD, true) : 0,
      singleUse: u8[at + 3] === 1,
      kind: KINDS[u8[at + 2]!]!,
      smart: (tag & SMART_FLAG) === 0 ? null : JSON.parse(segment.readString(typed ? afterOwner : segment.skipString(afterOwner))) as SmartEntry,
    } satisfies LinkEntry
  },
}

/** Redis's text of a link entry: `v<layout>:` and its JSON; a miss is `0`. */
const SHARED_LAYOUT = 2
const SHARED_PREFIX = `v${SHARED_LAYOUT}:`

export function toSharedText(value: Cached): string {
  return value === MISS ? '0' : SHARED_PREFIX + JSON.stringify(value)
}

/** The entry in Redis's text; undefined when it has another layout (an older or newer version wrote it). */
export function fromSharedText(text: string): Cached | undefined {
  if (text === '0') return MISS
  if (!text.startsWith(SHARED_PREFIX)) return undefined
  return JSON.parse(text.slice(SHARED_PREFIX.length)) as LinkEntry
}
