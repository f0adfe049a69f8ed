// Instants as the viewer reads them: in their time zone and locale, relative when recent. Eden
// Treaty hands date-like strings over as Date objects already, whatever the type says: both are taken.
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })

/** The viewer's IANA time zone: analytics count their days in it. */
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['second', 60], ['minute', 60], ['hour', 24], ['day', 7]]

/** "5 minutes ago" within a week, else the date; the full date and time in a tooltip. */
export function ago(iso: string | Date, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return dateOnly.format(new Date(iso))
}

export function When({ iso, mode = 'relative' }: { iso: string | Date; mode?: 'relative' | 'date' }) {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return <>—</>
  return <time dateTime={d.toISOString()} title={dateTime.format(d)}>{mode === 'date' ? dateOnly.format(d) : ago(iso)}</time>
}
