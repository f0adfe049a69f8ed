// What the OpenAPI document says of each imports route.
import { callerOperation as op } from '../docs/security'

const FILE_BODY = {
  required: true,
  description: 'The file itself, sent as the body.',
  content: {
    'text/csv': { schema: { type: 'string' as const }, example: 'long_url,link,title\nhttps://example.com/launch,bit.ly/launch,Launch\n' },
    'application/json': { schema: { type: 'string' as const }, example: '[{"originalUrl":"https://example.com/launch","slug":"launch"}]' },
  },
}

export const docs = {
  start: {
    ...op('Import links from a file',
      'Takes a CSV or JSON file as the body (Content-Type text/csv or application/json) and imports its links in the background; '
      + 'the answer (202) is the import, to follow with GET /api/v1/imports/{id}. Formats: Kurz\'s own export (CSV or JSON), '
      + 'Bitly\'s links CSV (long_url, link or custom_bitlinks, title, tags), Kutt\'s API list (JSON: target, address, domain, '
      + 'description), YOURLS\'s yourls_url table as CSV (keyword, url, title), and Shlink\'s web client CSV (shortCode, longUrl, '
      + 'domain, title, tags) or API list (JSON). Slugs are kept; a row\'s domain is kept when it is one of your verified domains '
      + '(else the default domain, or `domain` for every row). A slug taken by another link is a failed row, never an overwrite; '
      + 'a row you already have (the same slug and destination) is skipped, so importing a file twice creates nothing new. '
      + 'A row\'s tag names become your tags (an existing tag of that name is reused, a new one gets the default colour) on its link; '
      + 'a row whose new tags would pass the account\'s tag limit fails. '
      + 'The plan\'s monthly link limit applies row by row. `dryRun=true` checks every row and creates nothing. '
      + 'Errors: 400 VALIDATION_ERROR (an empty or unreadable file, no destination column, more than 100,000 rows, a domain not yours); '
      + '413 PAYLOAD_TOO_LARGE.'),
    requestBody: FILE_BODY,
  },
  get: op('Progress of an import', 'Rows done, created, skipped and failed (each failed row with its number and reason). '
    + 'Errors: 404 NOT_FOUND; 400 VALIDATION_ERROR.'),
  list: op('List your imports', 'The caller\'s imports, newest first. Errors: 400 VALIDATION_ERROR.'),
}
