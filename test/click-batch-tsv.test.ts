// The TabSeparated text of a batch, cell by cell: one cell per column in COLUMNS order, every text
// cell escaped (a visitor writes the user agent, the referrer and the UTM values), and the columns
// added after the first release written with their defaults when a row lacks them.
import { describe, expect, test } from 'bun:test'
import { COLUMNS, COLUMN_TYPES, toTsv } from '../src/clicks/batch'
import type { ClickRow } from '../src/clicks/click-row'

const row: ClickRow = {
  event_id: '01900000-0000-7000-8000-0000000000ab', ts: Date.UTC(2026, 11, 6, 9, 30, 15, 7), owner_id: 'usr_a', link_id: 'lnk_a',
  domain: 'go.example', country: 'DE', city: 'Köln', device: 'mobile', browser: 'Mobile Safari', os: 'iOS',
  referrer_host: 'news.example', utm_source: 's', utm_medium: 'm', utm_campaign: 'c', is_bot: 0, bot_reason: '',
  visitor_hash: 281_474_976_710_655, utm_term: 't', utm_content: 'x', variant: 'B', trigger: 'qr',
}
const textColumns = COLUMNS.filter((c) => COLUMN_TYPES[c] === 'String' || COLUMN_TYPES[c] === 'UUID')
const cellsOf = (tsv: string) => tsv.split('\n')[0].split('\t')

describe('click batch as TabSeparated', () => {
  test('each column has its own cell, in the order of COLUMNS', () => {
    // Each text column holds its own name: a cell in another's place shows as the wrong name.
    const named = { ...row, ...Object.fromEntries(textColumns.map((c) => [c, c])) } as ClickRow
    const cells = cellsOf(toTsv([named]))
    expect(cells).toHaveLength(COLUMNS.length)
    expect(cells).toEqual(COLUMNS.map((c) => (c === 'ts' ? '1796549415.007' : c === 'is_bot' ? '0' : c === 'visitor_hash' ? '281474976710655' : c)))
  })

  test.each(textColumns)('a tab, a line break or a backslash in %s stays inside its cell, escaped', (column) => {
    const tsv = toTsv([{ ...row, [column]: 'a\tb\nc\rd\\e' } as ClickRow, row])
    expect(tsv.split('\n')).toHaveLength(3)
    const cells = cellsOf(tsv)
    expect(cells).toHaveLength(COLUMNS.length)
    expect(cells[COLUMNS.indexOf(column)]).toBe('a\\tb\\nc\\rd\\\\e')
  })

  test('a row without the columns added later is written with their defaults', () => {
    const { utm_term: _t, utm_content: _c, variant: _v, trigger: _g, ...old } = row
    const cells = cellsOf(toTsv([old]))
    expect(cells.slice(COLUMNS.indexOf('utm_term'))).toEqual(['', '', '', 'link'])
  })
})
