// The small pages a browser gets where an API client gets JSON: a short URL that leads nowhere
// (404 unknown or disabled, 410 expired or used up) and the front page. Each page is rendered
// once, at start; only the 404 and 410 answers look at Accept, never a redirect.
import { errorResponse } from '../errors'
import { acceptsHtml, escapeHtml, htmlHeaders, styleOnlyPolicy } from '../shared/html'

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#f5f5f5;color:#111}
main{max-width:480px;margin:10vh auto 0;background:#fff;border-radius:12px;padding:28px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 12px}p{line-height:1.5;margin:0 0 12px}.code{font-size:.85rem;color:#555}a{color:#0b57d0}`

const HEADERS = htmlHeaders(styleOnlyPolicy(STYLE))
// The same URL answers HTML or JSON by Accept: caches must keep the two apart.

type Notice = { title: string; paragraphs: string[]; links?: [href: string, text: string][]; code?: string }

function renderNotice(n: Notice): string {
  const title = escapeHtml(n.title)
  const paragraphs = n.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')
  const links = n.links?.length
    ? `<p>${n.links.map(([href, text]) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`).join(' · ')}</p>` : ''
  const code = n.code ? `<p class="code">${escapeHtml(n.code)}</p>` : ''
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">`
    + `<title>${title}</title><style>${STYLE}</style></head>`
    + `<body><main><h1>${title}</h1>${paragraphs}${links}${code}</main></body></html>`
}

const PAGES = {
  missing: renderNotice({
    title: 'Link not found',
    paragraphs: ['There is no link at this address. Check that it was copied completely, or ask whoever sent it for a new one.'],
    code: '404 · LINK_NOT_FOUND',
  }),
  gone: renderNotice({
    title: 'This link has expired',
    paragraphs: ['The link at this address has expired or was meant to be opened only once, and it no longer leads anywhere.'],
    code: '410 · LINK_EXPIRED',
  }),
}

const ERRORS = {
  missing: { status: 404, code: 'LINK_NOT_FOUND', message: 'Link not found' },
  gone: { status: 410, code: 'LINK_EXPIRED', message: 'This link has expired' },
} as const

/** A short URL that leads nowhere: the page for browsers, the error envelope for API clients. */
export function linkUnavailable(req: Request, state: 'missing' | 'gone'): Response {
  const { status, code, message } = ERRORS[state]
  if (acceptsHtml(req)) return new Response(PAGES[state], { status, headers: { ...HEADERS, vary: 'Accept' } })
  return errorResponse(status, code, message, {}, { vary: 'Accept' })
}

