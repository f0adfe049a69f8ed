// The export routes' query schemas and their (non-JSON) answers.
import { t } from 'elysia'
import { mediaAnswer } from '../docs/document'

export const linksExportQuery = t.Object({
  format: t.Optional(t.UnionEnum(['csv', 'json'], { default: 'csv', description: 'csv (RFC 4180, a header row) or json (an array of links)' })),
})

export const clicksExportQuery = t.Object({
  range: t.Optional(t.UnionEnum(['7d', '30d', '90d', 'all'], { default: '30d', description: 'How far back: the last 7, 30 or 90 days, or all' })),
  format: t.Optional(t.UnionEnum(['csv'], { default: 'csv' })),
  link: t.Optional(t.String({ minLength: 1, maxLength: 200, description: 'Only this link\'s clicks (its id or slug)' })),
})

export const linksFile = mediaAnswer('Every link of the account, streamed (header row first for CSV)', { 'text/csv': 'text', 'application/json': 'text' })
export const clicksFile = mediaAnswer('The raw click events, streamed, header row first', { 'text/csv': 'text' })
