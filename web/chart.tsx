// Clicks over time as a small SVG area chart (no chart library: the initial bundle stays small).
import { useEffect, useRef, useState } from 'react'
import { fmt } from './api'

type Point = { date: string | Date; clicks: number }

const H = 180, PAD = { l: 36, r: 8, t: 8, b: 22 }

/** The figure's width in CSS pixels, so that the chart fills it and its text keeps its size. */
function useWidth() {
  const ref = useRef<HTMLElement>(null)
  const [width, setWidth] = useState(640)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(240, Math.round(entry.contentRect.width))))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return [ref, width] as const
}

export function ClicksChart({ points }: { points: Point[] }) {
  const [ref, W] = useWidth()
  // Whole-number gridlines: the top is even and at least 4.
  const max = Math.max(4, Math.ceil(Math.max(0, ...points.map((p) => p.clicks)) / 2) * 2)
  const n = Math.max(1, points.length - 1)
  const x = (i: number) => PAD.l + (i / n) * (W - PAD.l - PAD.r)
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b)
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.clicks).toFixed(1)}`).join('')
  const area = points.length ? `${line}L${x(points.length - 1).toFixed(1)},${H - PAD.b}L${PAD.l},${H - PAD.b}Z` : ''
  // (Eden Treaty hands dates over as Date objects; a day 'YYYY-MM-DD' is midnight UTC either way)
  const dateLabel = (d: string | Date) => new Date(d).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
  const ticks = points.length > 1 ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : [0]
  const total = points.reduce((s, p) => s + p.clicks, 0)
  return (
    <figure ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} className="block max-w-full" role="img" aria-label={`Clicks over time: ${fmt(total)} in ${points.length} days, at most ${fmt(Math.max(0, ...points.map((p) => p.clicks)))} a day`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} className="stroke-zinc-200 dark:stroke-zinc-800" />
            <text x={PAD.l - 6} y={y(max * f) + 4} textAnchor="end" className="fill-zinc-500 text-[11px]">{fmt(max * f)}</text>
          </g>
        ))}
        <path d={area} className="fill-indigo-500/15" />
        <path d={line} fill="none" strokeWidth={2} className="stroke-indigo-600 dark:stroke-indigo-400" />
        {points.length ? ticks.map((i) => (
          <text key={i} x={x(i)} y={H - 6} textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'} className="fill-zinc-500 text-[11px]">{dateLabel(points[i].date)}</text>
        )) : null}
      </svg>
    </figure>
  )
}
