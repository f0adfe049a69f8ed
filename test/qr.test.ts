import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, engines, SETUP_TIMEOUT, type Harness } from './support/harness'
import { createUser } from './support/users'
import { qrImage } from '../src/qr/render'

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

describe.each(engines)('QR codes of links on %s', (engine) => {
  let h: Harness
  beforeAll(async () => { h = await createHarness({ engine, redis: true }) }, SETUP_TIMEOUT)
  afterAll(async () => { await h.close() })

  const qr = (path: string, key: string | null = h.adminKey) =>
    h.app.handle(new Request(`http://kurz.test/api/v1/links/${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }))

  test('SVG by default, 256 pixels wide', async () => {
    await h.createLink({ url: 'https://example.com/qr', slug: 'qr-default' })
    const res = await qr('qr-default/qr')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    const svg = await res.text()
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"')).toBe(true)
  })

  test('PNG of the asked size, by id as well as by slug', async () => {
    const link = await h.createLink({ url: 'https://example.com/qr', slug: 'qr-png' })
    for (const ref of [link.id, 'qr-png']) {
      const res = await qr(`${ref}/qr?format=png&size=300`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/png')
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
      const view = new DataView(bytes.buffer)
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([300, 300]) // IHDR width, height
    }
  })

  test('the size bounds are accepted: 64 and 2048', async () => {
    await h.createLink({ url: 'https://example.com/qr', slug: 'qr-bounds' })
    for (const size of [64, 2048]) {
      const res = await qr(`qr-bounds/qr?size=${size}`)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain(`width="${size}" height="${size}"`)
    }
  })

  test.each([['size=63', 'size'], ['size=2049', 'size'], ['size=abc', 'size'], ['size=100.5', 'size'], ['format=gif', 'format']])(
    '%s is a 400 VALIDATION_ERROR naming %s', async (q, field) => {
      await h.createLink({ url: 'https://example.com/qr', slug: `qr-bad-${q.replace(/\W/g, '')}` })
      const res = await qr(`qr-bad-${q.replace(/\W/g, '')}/qr?${q}`)
      expect(res.status).toBe(400)
      const body = await res.json() as any
      expect(body.error.code).toBe('VALIDATION_ERROR')
      expect(body.error.field).toBe(field)
    })

  test('the code encodes the short URL; a typed link\'s, its /l/ page URL', async () => {
    const url = await h.createLink({ url: 'https://example.com/qr', slug: 'qr-kind-u' })
    const text = await h.createLink({ kind: 'text', payload: { text: 'hi' }, slug: 'qr-kind-t' })
    expect(text.shortUrl).toBe('http://kurz.test/l/qr-kind-t')
    // The renderer is deterministic: the same text at the same size gives the same SVG.
    // (with the QR marker, so that scans are told apart from clicks)
    expect(await (await qr(`${url.slug}/qr`)).text()).toBe((await qrImage('http://kurz.test/qr-kind-u?trigger=qr', 'svg', 256)).body as string)
    expect(await (await qr(`${text.slug}/qr`)).text()).toBe((await qrImage('http://kurz.test/l/qr-kind-t?trigger=qr', 'svg', 256)).body as string)
    expect(await (await qr(`${text.slug}/qr`)).text()).not.toBe((await qrImage('http://kurz.test/qr-kind-t?trigger=qr', 'svg', 256)).body as string)
  })

  test('another account\'s link, or none, is 404; no credentials is 401', async () => {
    await h.createLink({ url: 'https://example.com/qr', slug: 'qr-private' })
    const other = await createUser(h)
    expect((await qr('qr-private/qr', other.key)).status).toBe(404)
    expect((await qr('qr-missing/qr')).status).toBe(404)
    expect((await qr('qr-private/qr', null)).status).toBe(401)
  })
})
