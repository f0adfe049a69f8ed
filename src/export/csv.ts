// CSV as RFC 4180 writes it, safe to open in a spreadsheet: a field is quoted when it holds a comma,
// quote, CR or LF (quotes doubled), and a text field starting with =, +, -, @, tab or CR (a formula
// to Excel, LibreOffice and Sheets) is prefixed with a single quote so that it is shown, never run.

const FORMULA_START = /^[=+\-@\t\r]/

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  let text = typeof value === 'string' ? value : JSON.stringify(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvRow = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`
