// The embedded click store (chDB) runs with Kurz's own server settings, and lets its directory go on close.
import { expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openChdb, rows } from '../src/clicks/client'

const setting = async (dir: string) => {
  const ch = await openChdb(dir)
  try {
    return (await rows<{ value: string }>(ch, `SELECT value FROM system.server_settings WHERE name = 'memory_worker_period_ms'`))[0]?.value
  } finally {
    await ch.close()
  }
}

test('the embedded engine ticks its memory worker once a second, and a closed engine frees its directory for another', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kurz-engine-'))
  try {
    expect(await setting(join(root, 'a'))).toBe('1000')
    expect(await setting(join(root, 'b'))).toBe('1000')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
