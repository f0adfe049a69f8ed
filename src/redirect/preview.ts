// Social previews: a known link-preview crawler fetching a link that has og tags gets a small HTML
// page with them (no click is counted); everyone else gets the redirect. Only the og tags appear:
// never the destination, so a crawler learns no more than the owner chose to show.
import { escapeHtml, htmlHeaders, styleOnlyPolicy } from '../shared/html'
import type { OgTags } from './smart-entry'

// The user agents of the link unfurlers of Slack, X/Twitter, Facebook, LinkedIn, Discord, Telegram,
// WhatsApp and iMessage (which fetches as facebookexternalhit/Twitterbot behind a Safari UA).
const CRAWLERS = /Slackbot|Slack-ImgProxy|Twitterbot|facebookexternalhit|Facebot|LinkedInBot|Discordbot|TelegramBot|WhatsApp|Applebot|iMessage/i

export const isPreviewCrawler = (req: Request) => CRAWLERS.test(req.headers.get('user-agent') ?? '')

const HEADERS = htmlHeaders(styleOnlyPolicy(''))

export function previewPage(og: OgTags): Response {
  const meta = (property: string, value: string | undefined) =>
    value ? `<meta property="${property}" content="${escapeHtml(value)}">` : ''
  const twitter = (name: string, value: string | undefined) => value ? `<meta name="${name}" content="${escapeHtml(value)}">` : ''
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">`
    + `<title>${escapeHtml(og.title ?? '')}</title>`
    + meta('og:title', og.title) + meta('og:description', og.description) + meta('og:image', og.image)
    + `<meta property="og:type" content="website">`
    + `<meta name="twitter:card" content="${og.image ? 'summary_large_image' : 'summary'}">`
    + twitter('twitter:title', og.title) + twitter('twitter:description', og.description) + twitter('twitter:image', og.image)
    + `</head><body></body></html>`
  return new Response(html, { status: 200, headers: HEADERS })
}
