// What the OpenAPI document says of the export routes.
import { callerOperation as op } from '../docs/security'

export const docs = {
  links: {
    ...op('Export every link',
      'Streams every link of the caller\'s account as a download: `format=csv` (default; RFC 4180 with a header row: id, slug, '
      + 'shortUrl, domain, kind, originalUrl, payload (JSON), title, summary, status, singleUse, clicks, expiresAt, createdAt, updatedAt, '
      + 'source) or `format=json` (an array of objects with the same fields), oldest first. Read page by page, so an account of any '
      + 'size downloads in constant server memory. A CSV text field starting with =, +, -, @, tab or CR is prefixed with \' so '
      + 'spreadsheets never run it as a formula. Errors: 400 VALIDATION_ERROR (format).'),
    'x-examples': { csv: 'id,slug,shortUrl,...\r\nlnk_abc,promo,https://kurz.example/promo,...' },
  },
  clicks: {
    ...op('Export raw click events',
      'Streams the raw click events of the caller\'s account, or of one link (`link`: its id or slug), over `range` (7d, 30d '
      + '(default), 90d or all) as CSV with a header row: event_id, ts (UTC, ISO 8601), link_id, domain, country, city, device, '
      + 'browser, os, referrer_host, utm_source, utm_medium, utm_campaign, is_bot, bot_reason, visitor_hash. No IP address: '
      + 'none is ever stored (visitor_hash is a salted daily hash). Read page by page in constant server memory. Errors: 400 '
      + 'VALIDATION_ERROR; 404 LINK_NOT_FOUND for a `link` that is not the caller\'s; 503 when click analytics are off.'),
  },
}
