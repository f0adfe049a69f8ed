// What the QR code of a typed link holds: the Wi-Fi join string, the vCard 3.0 text, or the text.
type Payload = Record<string, unknown>

const str = (p: Payload, name: string) => (typeof p[name] === 'string' ? (p[name] as string) : '')
const CONTROL = /[\u0000-\u001f\u007f]/g

/** `\ ; , : "` are escaped with a backslash, as the WIFI: format (ZXing) wants. */
export const escapeWifi = (value: string) => value.replace(/[\\;,:"]/g, (c) => `\\${c}`)

/** `WIFI:T:WPA;S:<ssid>;P:<password>;H:true;;`: phones offer to join the network when they scan it. */
export function wifiText(p: Payload): string {
  const encryption = str(p, 'encryption') || 'nopass'
  const password = str(p, 'password')
  const parts = [`T:${encryption}`, `S:${escapeWifi(str(p, 'ssid'))}`]
  if (encryption !== 'nopass' && password) parts.push(`P:${escapeWifi(password)}`)
  if (p.hidden === true) parts.push('H:true')
  return `WIFI:${parts.join(';')};;`
}

/** A TEXT value of RFC 2426: backslash, comma, semicolon and newline escaped; other controls dropped. */
export const escapeVcard = (value: string) =>
  value.replace(/\r\n|\r|\n/g, '\n').replace(/[\\,;\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`)).replace(CONTROL, '')

/** URI and phone values are not TEXT: no escaping, but never a line break that could start a property. */
const bare = (value: string) => value.replace(CONTROL, '').trim()

/** "Jane Q. Doe" → family "Doe", given "Jane Q."; one word is a family name. */
function structuredName(name: string): string {
  const words = name.trim().split(/\s+/)
  const family = words.pop() ?? ''
  return `${escapeVcard(family)};${escapeVcard(words.join(' '))};;;`
}

export function vcardText(p: Payload): string {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${structuredName(str(p, 'name'))}`, `FN:${escapeVcard(str(p, 'name'))}`]
  if (str(p, 'org')) lines.push(`ORG:${escapeVcard(str(p, 'org'))}`)
  if (str(p, 'title')) lines.push(`TITLE:${escapeVcard(str(p, 'title'))}`)
  if (str(p, 'phone')) lines.push(`TEL;TYPE=VOICE:${bare(str(p, 'phone'))}`)
  if (str(p, 'email')) lines.push(`EMAIL;TYPE=INTERNET:${bare(str(p, 'email'))}`)
  if (str(p, 'url')) lines.push(`URL:${bare(str(p, 'url'))}`)
  // Free text goes in the street component: the parts of an address are not known.
  if (str(p, 'address')) lines.push(`ADR;TYPE=WORK:;;${escapeVcard(str(p, 'address'))};;;;`)
  lines.push('END:VCARD')
  return lines.map(fold).join('\r\n') + '\r\n'
}

/** Lines longer than 75 octets continue on the next line after CRLF and a space (RFC 2425 §5.8.1). */
function fold(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch)
    if (octets + size > (out.length ? 74 : 75)) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

/** What the page's QR code holds, per kind. */
export function qrContent(kind: 'wifi' | 'vcard' | 'text', p: Payload): string {
  return kind === 'wifi' ? wifiText(p) : kind === 'vcard' ? vcardText(p) : str(p, 'text')
}
