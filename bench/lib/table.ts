// The one table the runner prints.
export type Row = [figure: string, kurz: string, baseline: string, ratioOrNote: string]

export function printTable(title: string, rows: Row[]) {
  const head: Row = ['figure', 'Kurz', 'baseline', 'ratio / target']
  const all = [head, ...rows]
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)))
  const line = (r: Row) => '| ' + r.map((cell, c) => cell.padEnd(widths[c])).join(' | ') + ' |'
  console.log(`\n${title}\n`)
  console.log(line(head))
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|')
  for (const r of rows) console.log(line(r))
  console.log('')
}

export const fmt = {
  rps: (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`,
  ms: (n: number) => `${n.toFixed(2)} ms`,
  us: (n: number) => `${n.toFixed(1)} µs`,
  mb: (n: number) => `${(n / 1e6).toFixed(0)} MB`,
  x: (n: number) => `${n.toFixed(2)}×`,
}
