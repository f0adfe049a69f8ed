// QR attribution end to end on the real click plane (chDB): the QR code's URL carries the marker,
// the redirect drops it, ClickHouse records trigger qr or link, the analytics split by it; and the
// QR options (colours, margin, level) with their validation errors.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, SETUP_TIMEOUT, type Harness } from './support/harness'
import { CHROME } from './support/clicks'
import type { Running } from '../src/server'
import { rows } from '../src/clicks/client'
import { insertClicks } from '../src/clicks/pipeline'
import { qrImage } from '../src/qr/render'
import { triggerOf, withoutQrMarker } from '../src/qr/marker'

describe('QR attribution and options', () => {
  let h: Harness
  let s: Running
  beforeAll(async () => {
    h = await createHarness({ clickhouse: true, env: { TRUST_PROXY: 'true', CLICK_FLUSH_MS: '60000' } })
    s = await h.listen()
  }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const qr = (path: string) => h.app.handle(new Request(`http://kurz.test/api/v1/links/${path}`, { headers: { authorization: `Bearer ${h.adminKey}` } }))

  test('the marker is read only at the start of the query and dropped from it', () => {
    expect(withoutQrMarker('trigger=qr')).toBe('')
    expect(withoutQrMarker('trigger=qr&utm_source=x')).toBe('utm_source=x')
    expect(withoutQrMarker('trigger=qrx')).toBe('trigger=qrx')
    expect(withoutQrMarker('a=1&trigger=qr')).toBe('a=1&trigger=qr')
    expect([triggerOf(''), triggerOf('trigger=qr'), triggerOf('trigger=qr&a=1'), triggerOf('trigger=qrcode'), triggerOf('x=trigger=qr')])
      .toEqual(['link', 'qr', 'qr', 'link', 'link'])
  })

  test('scans through the QR code are recorded with trigger qr, clicks with link; the destination never sees the marker', async () => {
    await h.createLink({ url: 'https://example.com/poster?src=wall', slug: 'qr-attr' })
    // The QR code encodes the short URL with the marker.
    expect(await (await qr('qr-attr/qr')).text()).toBe((await qrImage('http://kurz.test/qr-attr?trigger=qr', 'svg', 256)).body as string)
    const visit = (query: string, ip: string) => fetch(`${s.url}/qr-attr${query}`, { redirect: 'manual', headers: { 'user-agent': CHROME, 'x-forwarded-for': ip } })
    const scanned = await visit('?trigger=qr', '8.8.8.8')
    expect(scanned.headers.get('location')).toBe('https://example.com/poster?src=wall')
    expect((await visit('?trigger=qr&utm_source=print', '8.8.4.4')).headers.get('location')).toBe('https://example.com/poster?src=wall&utm_source=print')
    await visit('', '1.1.1.1')
    await visit('?ref=mail', '1.0.0.1')
    await visit('?trigger=qr', '9.9.9.9')
    await h.deps.clicks.flush()
    const stored = await rows<{ trigger: string; n: string }>(h.deps.clickhouse!, 'SELECT trigger, count() AS n FROM clicks GROUP BY trigger ORDER BY trigger')
    expect(stored.map((r) => [r.trigger, Number(r.n)])).toEqual([['link', 2], ['qr', 3]])

    const link = await h.api('GET', '/api/v1/analytics/links/qr-attr?range=7d')
    expect(link.status).toBe(200)
    expect(link.body.data.byTrigger).toEqual([{ name: 'link', clicks: 2 }, { name: 'qr', clicks: 3 }])
    const overview = await h.api('GET', '/api/v1/analytics/overview')
    expect(overview.body.data.byTrigger).toEqual([{ name: 'link', clicks: 2 }, { name: 'qr', clicks: 3 }])
  })

  test('a batch spilled before the trigger column existed (17 columns) still inserts, and counts as trigger link', async () => {
    const ch = h.deps.clickhouse!
    const old = ['01900000-0000-7000-8000-0000000000f1', '1767225600.000', 'usr_old_spill', 'lnk_old_spill', '', 'DE', '', 'desktop', 'Chrome', 'Linux', '', '', '', '', '0', '', '7'].join('\t') + '\n'
    await insertClicks(ch, { size: 1, tsv: new TextEncoder().encode(old), counts: [], facts: [], factsSkipped: 0 }, 'old-spill-line')
    // (the embedded engine's file() reader fills it with the type's default, ''; the analytics read anything but qr as link)
    const [row] = await rows<{ trigger: string }>(ch, "SELECT if(trigger = 'qr', 'qr', 'link') AS trigger FROM clicks WHERE link_id = 'lnk_old_spill'")
    expect(row?.trigger).toBe('link')
  })

  test('colours, margin and level change the image; PNG and SVG both take them', async () => {
    await h.createLink({ url: 'https://example.com/style', slug: 'qr-style' })
    const plain = await (await qr('qr-style/qr')).text()
    const styled = await (await qr('qr-style/qr?fg=1a237e&bg=%23ffeeddcc&margin=1&level=H')).text()
    expect(styled).not.toBe(plain)
    expect(styled).toContain('#1a237e')
    expect(styled).toBe((await qrImage('http://kurz.test/qr-style?trigger=qr', 'svg', 256, { fg: '#1a237e', bg: '#ffeeddcc', margin: 1, level: 'H' })).body as string)
    const png = await qr('qr-style/qr?format=png&size=128&fg=000000&bg=ffffff00&margin=0&level=L')
    expect(png.status).toBe(200)
    expect(png.headers.get('content-type')).toBe('image/png')
  })

  test.each([
    ['fg=red', 'fg'], ['fg=12345', 'fg'], ['bg=%23zzzzzz', 'bg'], ['bg=1234567890', 'bg'],
    ['margin=-1', 'margin'], ['margin=17', 'margin'], ['margin=x', 'margin'], ['level=X', 'level'], ['level=h', 'level'],
  ])('%s is a 400 VALIDATION_ERROR naming %s', async (q, field) => {
    await h.createLink({ url: 'https://example.com/qv', slug: `qr-v-${q.replace(/\W/g, '')}` })
    const res = await qr(`qr-v-${q.replace(/\W/g, '')}/qr?${q}`)
    expect(res.status).toBe(400)
    const body = await res.json() as any
    expect(body.error.code).toBe('VALIDATION_ERROR')
    expect(body.error.field).toBe(field)
  })
})
