// The typed-link page: the content and its QR code, every piece of user content escaped, and a
// Content-Security-Policy that allows nothing but the page's own stylesheet.
import { escapeHtml, styleOnlyPolicy } from '../shared/html'

type Payload = Record<string, unknown>
export type PageInput = { kind: 'wifi' | 'vcard' | 'text'; payload: Payload; title: string | null; qrSvg: string | null; vcfHref: string }

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#f5f5f5;color:#111}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:0 0 16px}dl{margin:0 0 16px}dt{font-size:.8rem;color:#555}dd{margin:0 0 10px;word-break:break-word}
.qr svg{width:100%;height:auto;max-width:280px;display:block;margin:0 auto 16px}.text{white-space:pre-wrap;word-break:break-word}
.hint{font-size:.85rem;color:#555}a.button{display:inline-block;padding:10px 16px;background:#111;color:#fff;border-radius:8px;text-decoration:none}`

/** Only the stylesheet above may apply; no script, no frame, no form, no external load at all. */
export const CONTENT_SECURITY_POLICY = styleOnlyPolicy(STYLE)

const str = (p: Payload, name: string) => (typeof p[name] === 'string' ? (p[name] as string) : '')
const row = (label: string, value: string) => (value ? `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>` : '')
const link = (href: string, text: string) => `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${escapeHtml(text)}</a>`

/** Only http(s) URLs become links: a `javascript:` URL in a payload stays inert text. */
function webLink(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) return escapeHtml(value)
  return link(new URL(value).href, value)
}

function body(input: PageInput): string {
  const p = input.payload
  switch (input.kind) {
    case 'wifi':
      return `<dl>${row('Network', escapeHtml(str(p, 'ssid')))}${row('Security', escapeHtml(str(p, 'encryption') === 'nopass' ? 'none' : str(p, 'encryption')))}`
        + `${row('Password', escapeHtml(str(p, 'encryption') === 'nopass' ? '' : str(p, 'password')))}${row('Hidden network', p.hidden === true ? 'yes' : '')}</dl>`
        + '<p class="hint">Scan the code with your phone\'s camera to join the network.</p>'
    case 'vcard': {
      const phone = str(p, 'phone')
      const email = str(p, 'email')
      return `<dl>${row('Name', escapeHtml(str(p, 'name')))}${row('Organization', escapeHtml(str(p, 'org')))}${row('Title', escapeHtml(str(p, 'title')))}`
        + `${row('Phone', phone ? link(`tel:${phone.replace(/[^0-9+*#]/g, '')}`, phone) : '')}`
        + `${row('Email', /^[^\s@<>"]+@[^\s@<>"]+$/.test(email) ? link(`mailto:${email}`, email) : escapeHtml(email))}`
        + `${row('Website', str(p, 'url') ? webLink(str(p, 'url')) : '')}${row('Address', escapeHtml(str(p, 'address')))}</dl>`
        + `<p><a class="button" href="${escapeHtml(input.vcfHref)}" download>Download contact</a></p>`
    }
    case 'text':
      return `<p class="text">${escapeHtml(str(p, 'text'))}</p>`
  }
}

const HEADINGS = { wifi: 'Wi-Fi network', vcard: 'Contact', text: 'Note' }

export function renderPage(input: PageInput): string {
  const heading = escapeHtml(input.title || HEADINGS[input.kind])
  // The SVG comes from the QR renderer (path data only), never from user input.
  const qr = input.qrSvg ? `<div class="qr" role="img" aria-label="QR code">${input.qrSvg}</div>` : ''
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">`
    + `<title>${heading}</title><style>${STYLE}</style></head>`
    + `<body><main><h1>${heading}</h1>${qr}${body(input)}</main></body></html>`
}
