// The analytics pieces the overview and a link's page share: the range picker, the figures, the
// clicks over time, the top lists and the world map (a chunk of its own, loaded when first shown).
import { lazy, Suspense } from 'react'
import { Radio } from 'lucide-react'
import { fmt } from './api'
import { ClicksChart } from './chart'
import { Card, Loading, cx } from './ui'
import { Link } from './router'

export const RANGES = [['7d', '7 days'], ['30d', '30 days'], ['90d', '90 days'], ['all', 'All time']] as const
export type Range = (typeof RANGES)[number][0]

/** How often the figures are asked for again while the tab is visible (TanStack Query pauses in the background). */
export const LIVE_MS = 5000

const WorldMap = lazy(() => import('./world-map'))

type Count = { name: string; clicks: number; href?: string }
export type Figures = {
  clicksOverTime: { date: string | Date; clicks: number }[]
  topCountries: Count[]
  topCities: Count[]
  topDevices: Count[]
  topBrowsers: Count[]
  topReferrers: Count[]
}

export function RangePicker({ value, onChange }: { value: Range; onChange: (r: Range) => void }) {
  return (
    <div role="group" aria-label="Range" className="inline-flex rounded-lg border border-zinc-300 bg-white p-0.5 dark:border-zinc-700 dark:bg-zinc-900">
      {RANGES.map(([v, label]) => (
        <button key={v} type="button" aria-pressed={value === v} onClick={() => onChange(v)}
          className={cx('rounded-md px-2.5 py-1 text-sm', value === v ? 'bg-indigo-600 text-white' : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800')}>{label}</button>
      ))}
    </div>
  )
}

/** "Live" with the time of the last answer, announced politely to screen readers. */
export function LiveBadge({ updatedAt }: { updatedAt: number }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <Radio className="size-3.5 text-emerald-600 dark:text-emerald-400" aria-hidden />
      Live · updated <time dateTime={new Date(updatedAt).toISOString()}>{new Date(updatedAt).toLocaleTimeString()}</time>
    </span>
  )
}

export function Stats({ stats }: { stats: readonly (readonly [string, number])[] }) {
  return (
    <dl className={cx('grid grid-cols-2 gap-3', stats.length > 2 && 'lg:grid-cols-4')}>
      {stats.map(([label, value]) => (
        <div key={label} className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums text-zinc-900 dark:text-zinc-50" data-stat={label}>{fmt(value)}</dd>
        </div>
      ))}
    </dl>
  )
}

const regionNames = (() => {
  try { return new Intl.DisplayNames(undefined, { type: 'region' }) } catch { return null }
})()

/** A country's name in the viewer's language, from its ISO 3166-1 alpha-2 code. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code
  try { return regionNames?.of(code) ?? code } catch { return code }
}

export function Panels({ data, topLinks }: { data: Figures; topLinks?: Count[] }) {
  const countries = data.topCountries.map((c) => ({ ...c, name: countryName(c.name), code: c.name }))
  return (
    <div className="flex flex-col gap-4">
      <Card title="Clicks over time">
        <ClicksChart points={data.clicksOverTime} />
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">One point a day; days are counted in UTC.</p>
      </Card>
      <Card title="Countries">
        <div className="grid items-start gap-4 lg:grid-cols-[2fr_1fr]">
          <Suspense fallback={<Loading label="Loading the map…" />}>
            <WorldMap countries={data.topCountries} />
          </Suspense>
          <Rows rows={countries} label="Clicks by country" />
        </div>
      </Card>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {topLinks ? <TopList title="Top links" rows={topLinks} /> : null}
        <TopList title="Cities" rows={data.topCities} />
        <TopList title="Devices" rows={data.topDevices} />
        <TopList title="Browsers" rows={data.topBrowsers} />
        <TopList title="Referrers" rows={data.topReferrers} />
      </div>
    </div>
  )
}

function TopList({ title, rows }: { title: string; rows: Count[] }) {
  return <Card title={title}><Rows rows={rows} label={title} /></Card>
}

function Rows({ rows, label }: { rows: Count[]; label: string }) {
  const max = Math.max(1, ...rows.map((r) => r.clicks))
  if (rows.length === 0) return <p className="py-3 text-sm text-zinc-600 dark:text-zinc-400">No clicks in this range.</p>
  return (
    <ul aria-label={label} className="flex min-w-0 flex-col gap-2">
      {rows.map((r) => (
        <li key={r.name} className="relative flex items-center justify-between gap-3 overflow-hidden rounded-md px-2 py-1.5 text-sm">
          <span aria-hidden className="absolute inset-y-0 left-0 bg-indigo-500/10" style={{ width: `${(r.clicks / max) * 100}%` }} />
          {r.href
            ? <Link href={r.href} className="relative truncate rounded text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-400">{r.name}</Link>
            : <span className="relative truncate text-zinc-800 dark:text-zinc-200">{r.name || 'Direct'}</span>}
          <span className="relative tabular-nums text-zinc-600 dark:text-zinc-400">{fmt(r.clicks)}</span>
        </li>
      ))}
    </ul>
  )
}
