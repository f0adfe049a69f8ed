// Instants as the viewer reads them: in their time zone and locale, relative when recent.
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['second', 60], ['minute', 60], ['hour', 24], ['day', 7]]

/** "5 minutes ago" within a week, else the date; the full date and time in a tooltip. */
export function ago(iso: string, now = Date.now()): string {
  let value = (Date.parse(iso) - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return dateOnly.format(new Date(iso))
}

export function When({ iso, mode = 'relative' }: { iso: string; mode?: 'relative' | 'date' }) {
  const d = new Date(iso)
  return <time dateTime={iso} title={dateTime.format(d)}>{mode === 'date' ? dateOnly.format(d) : ago(iso)}</time>
}
