// Request and response schemas of the imports API.
import { t, type Static } from 'elysia'
import { ok, page, pagingQuery } from '../shared/envelope'
import { oneOf } from '../shared/schema'
import { FORMATS } from './formats'

export const importQuery = t.Object({
  format: t.Optional(oneOf(['auto', ...FORMATS], { description: 'The file\'s format; auto (the default) reads it from its header or shape' })),
  dryRun: t.Optional(oneOf(['true', 'false'], { description: 'true: check every row and report, create nothing' })),
  domain: t.Optional(t.String({ maxLength: 253, description: 'Put every link on this verified domain of yours' })),
})
export type ImportQuery = { format?: Static<typeof importQuery>['format']; dryRun?: boolean; domain?: string }

export const listQuery = t.Object({ ...pagingQuery })
export type ListImportsQuery = Static<typeof listQuery>

export const idParams = t.Object({ id: t.String({ maxLength: 64 }) })

/** The file itself is the body (CSV or JSON text), handed over unparsed by the body guard. */
export const fileBody = t.String({ description: 'The file: CSV (text/csv) or JSON (application/json)' })

const rowError = t.Object({ row: t.Number(), code: t.String(), reason: t.String() })

export const importObject = t.Object({
  id: t.String({ examples: ['imp_4kT0dXw3sV8mQ2rL9yZb'] }),
  format: oneOf(FORMATS),
  dryRun: t.Boolean(),
  status: oneOf(['QUEUED', 'RUNNING', 'DONE', 'FAILED']),
  total: t.Number({ description: 'Rows in the file' }),
  done: t.Number({ description: 'Rows worked through so far' }),
  created: t.Number({ description: 'Links created (in a dry run: that would be created)' }),
  skipped: t.Number({ description: 'Rows the account already had (the same slug and destination)' }),
  failed: t.Number(),
  errors: t.Array(rowError, { description: 'The failed rows, by row number (the first 1,000)' }),
  error: t.Nullable(t.String({ description: 'Why the whole import stopped, when it did' })),
  createdAt: t.String({ format: 'date-time' }),
  finishedAt: t.Nullable(t.String({ format: 'date-time' })),
}, {
  examples: [{
    id: 'imp_4kT0dXw3sV8mQ2rL9yZb', format: 'bitly', dryRun: false, status: 'DONE', total: 3, done: 3, created: 2, skipped: 0, failed: 1,
    errors: [{ row: 3, code: 'SLUG_ALREADY_EXISTS', reason: 'The slug "launch" is already taken' }], error: null,
    createdAt: '2026-12-03T08:00:00.000Z', finishedAt: '2026-12-03T08:00:01.000Z',
  }],
})

export const responses = {
  one: ok(importObject),
  list: page(importObject),
}
