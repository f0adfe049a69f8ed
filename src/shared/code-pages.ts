// Start-up touches much code once (the embedded ClickHouse registers thousands of functions,
// formats and settings; the runtime bundles the dashboard), and those pages stay resident
// afterwards as clean copies of their file, counted in the process's memory and in its
// container's. Handing them back to the kernel once start-up is over costs nothing they are needed
// for: a page the running service uses again is read back from the file on its next use. Linux
// only; elsewhere nothing happens.
import { readFileSync } from 'node:fs'

/**
 * madvise(2): reclaim these pages now (Linux 5.4+). Only clean pages that this process alone maps
 * leave; a page written to (relocated data) would need swap, and one another process maps stays.
 */
const MADV_PAGEOUT = 21

type Mapping = { start: bigint; end: bigint }

/**
 * The read-only mappings (code and constants) of the loaded file whose path ends with `fileName`,
 * from /proc/self/maps' lines: "start-end perms offset dev inode path".
 */
export function readOnlyMappings(maps: string, fileName: string): Mapping[] {
  const found: Mapping[] = []
  for (const line of maps.split('\n')) {
    const [range, perms, , , , path] = line.split(/\s+/)
    if (!path?.endsWith(`/${fileName}`) || perms?.[1] !== '-') continue
    const [start, end] = range.split('-')
    found.push({ start: BigInt(`0x${start}`), end: BigInt(`0x${end}`) })
  }
  return found
}

/**
 * Asks the kernel to reclaim the resident, clean pages of a loaded file's read-only mappings (a
 * library's, or the executable's). Answers how many bytes of mappings it asked about (0 when
 * nothing was done).
 */
export async function releaseCodePages(fileName: string): Promise<number> {
  if (process.platform !== 'linux') return 0
  let mappings: Mapping[]
  try {
    mappings = readOnlyMappings(readFileSync('/proc/self/maps', 'utf8'), fileName)
  } catch {
    return 0
  }
  if (mappings.length === 0) return 0
  try {
    const { dlopen, FFIType } = await import('bun:ffi')
    const libc = dlopen('libc.so.6', { madvise: { args: [FFIType.u64, FFIType.u64, FFIType.i32], returns: FFIType.i32 } })
    try {
      let bytes = 0
      for (const m of mappings) {
        if (libc.symbols.madvise(m.start, m.end - m.start, MADV_PAGEOUT) === 0) bytes += Number(m.end - m.start)
      }
      return bytes
    } finally {
      libc.close()
    }
  } catch {
    return 0 // (no libc.so.6, e.g. on musl, or no FFI)
  }
}
