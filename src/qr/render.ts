// QR codes as SVG or PNG, through the qrcode package (MIT).
import QRCode from 'qrcode'

export type QrFormat = 'svg' | 'png'

const CONTENT_TYPES: Record<QrFormat, string> = { svg: 'image/svg+xml', png: 'image/png' }

/** `size` is the image's width and height in pixels; the quiet zone of 4 modules is inside it. */
export async function qrImage(text: string, format: QrFormat, size: number): Promise<{ body: string | Uint8Array; contentType: string }> {
  const options = { width: size, margin: 4, errorCorrectionLevel: 'M' as const }
  const body = format === 'svg'
    ? await QRCode.toString(text, { ...options, type: 'svg' })
    : new Uint8Array(await QRCode.toBuffer(text, { ...options, type: 'png' }))
  return { body, contentType: CONTENT_TYPES[format] }
}

/**
 * An inline SVG of `text`, or null when the text is too long for any QR code. Lower error
 * correction holds more data, so a long vCard or text gets a second chance at level L.
 */
export async function qrSvgOrNull(text: string, size = 280): Promise<string | null> {
  for (const level of ['M', 'L'] as const) {
    try {
      return await QRCode.toString(text, { type: 'svg', width: size, margin: 2, errorCorrectionLevel: level })
    } catch {
      // too much data at this level: try the next, then give up
    }
  }
  return null
}
