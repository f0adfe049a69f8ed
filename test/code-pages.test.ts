// Start-up's code pages of the embedded ClickHouse leave memory once start-up is over, and the
// engine still works afterwards: a page it uses again is read back from the file.
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, rows, type ClickHouse } from '../src/clicks/client'
import { readOnlyMappings, releaseCodePages } from '../src/shared/code-pages'

/**
 * kB of the read-only mappings of a file, from /proc/self/smaps: resident, and resident in this
 * process alone (Private_Clean). The kernel reclaims only the latter: a page another process maps
 * too (another Kurz on this machine) stays.
 */
function residentKb(fileName: string): { rss: number; own: number } {
  const kb = { rss: 0, own: 0 }
  let counting = false
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line)
    if (header) counting = header[1][1] === '-' && header[2].endsWith(`/${fileName}`)
    else if (counting && line.startsWith('Rss:')) kb.rss += Number(/(\d+)/.exec(line)![1])
    else if (counting && line.startsWith('Private_Clean:')) kb.own += Number(/(\d+)/.exec(line)![1])
  }
  return kb
}

describe('code pages', () => {
  test('only the read-only mappings of the named file are picked from /proc/self/maps', () => {
    const maps = [
      '7f0000000000-7f0000100000 r--p 00000000 08:01 42 /opt/lib/libchdb.so',
      '7f0000100000-7f0000300000 r-xp 00100000 08:01 42 /opt/lib/libchdb.so',
      '7f0000300000-7f0000310000 rw-p 00300000 08:01 42 /opt/lib/libchdb.so',
      '7f0000400000-7f0000500000 r-xp 00000000 08:01 43 /opt/lib/libchdb.so.bak',
      '7f0000500000-7f0000600000 r-xp 00000000 08:01 44 /usr/lib/libc.so.6',
      '7f0000600000-7f0000601000 rw-p 00000000 00:00 0',
    ].join('\n')
    expect(readOnlyMappings(maps, 'libchdb.so')).toEqual([
      { start: 0x7f0000000000n, end: 0x7f0000100000n },
      { start: 0x7f0000100000n, end: 0x7f0000300000n },
    ])
    expect(readOnlyMappings(maps, 'libnone.so')).toEqual([])
  })

  const dir = mkdtempSync(join(tmpdir(), 'kurz-pages-'))
  let ch: ClickHouse | undefined
  afterAll(async () => {
    await ch?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test.skipIf(!existsSync('/proc/self/smaps'))('the embedded engine\'s code pages are given back, and it answers after', async () => {
    ch = await openChdb(join(dir, 'clickhouse'))
    await rows(ch, 'SELECT 1 AS one')
    const before = residentKb('libchdb.so')
    expect(before.rss).toBeGreaterThan(10_000)
    expect(await releaseCodePages('libchdb.so')).toBeGreaterThan(0)
    const after = residentKb('libchdb.so')
    expect(after.own).toBeLessThan(Math.max(1024, before.own / 4))
    expect(after.rss).toBeLessThanOrEqual(before.rss - before.own / 2)
    const [{ n }] = await rows<{ n: string | number }>(ch, 'SELECT count() AS n FROM numbers(1000)')
    expect(Number(n)).toBe(1000)
  }, 60_000)
})
