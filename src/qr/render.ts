// QR codes as SVG or PNG, through the qrcode package (MIT).
import QRCode from 'qrcode'

export type QrFormat = 'svg' | 'png'

const CONTENT_TYPES: Record<QrFormat, string> = { svg: 'image/svg+xml', png: 'image/png' }

/** How a QR code looks: colours as #rrggbb or #rrggbbaa, the quiet zone in modules, the error-correction level. */
export type QrStyle = { fg?: string; bg?: string; margin?: number; level?: 'L' | 'M' | 'Q' | 'H' }

/** `size` is the image's width and height in pixels; the quiet zone (4 modules by default) is inside it. */
export async function qrImage(text: string, format: QrFormat, size: number, style: QrStyle = {}): Promise<{ body: string | Uint8Array<ArrayBuffer>; contentType: string }> {
  const options = {
    width: size, margin: style.margin ?? 4, errorCorrectionLevel: style.level ?? 'M',
    color: { dark: style.fg ?? '#000000ff', light: style.bg ?? '#ffffffff' },
  }
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
