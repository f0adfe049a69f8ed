// The world shaded by clicks per country. Its geometry (Natural Earth 1:110m, world-atlas) ships in
// this chunk, loaded on first use: no map tiles, no third-party origin. The list beside it is the
// map's text alternative; the map itself is one labelled image.
import { useMemo } from 'react'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import world from 'world-atlas/countries-110m.json'
import codes from 'i18n-iso-countries/codes.json'
import { fmt } from './api'
import { countryName } from './analytics'

const W = 960, H = 470
// Equirectangular, from 84°N to 58°S (Antarctica is left out).
const TOP = 84, BOTTOM = -58
const px = (lon: number) => ((lon + 180) / 360) * W
const py = (lat: number) => ((TOP - lat) / (TOP - BOTTOM)) * H

/** alpha-2 → ISO numeric, as world-atlas names its countries. */
const NUMERIC = new Map((codes as string[][]).map(([a2, , num]) => [a2, num]))

// (class names written out whole, so that Tailwind finds them)
const LEGEND = ['bg-indigo-600/25 dark:bg-indigo-400/25', 'bg-indigo-600/50 dark:bg-indigo-400/50', 'bg-indigo-600/75 dark:bg-indigo-400/75', 'bg-indigo-600 dark:bg-indigo-400']

type Ring = number[][]

/** A ring as path data; a ring crossing the antimeridian is unwrapped (the far side is clipped). */
function ringPath(ring: Ring): string {
  let prev = ring[0][0], shift = 0, d = ''
  ring.forEach(([lon, lat], i) => {
    if (Math.abs(lon - prev) > 180) shift += lon < prev ? 360 : -360
    prev = lon
    d += `${i ? 'L' : 'M'}${px(lon + shift).toFixed(1)},${py(lat).toFixed(1)}`
  })
  return `${d}Z`
}

let shapes: { id: string; d: string }[] | null = null
function countryShapes() {
  if (shapes) return shapes
  const topo = world as unknown as Topology<{ countries: GeometryCollection }>
  const fc = feature(topo, topo.objects.countries)
  shapes = fc.features.filter((f) => f.id !== '010' && f.geometry).map((f) => {
    const g = f.geometry
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
    return { id: String(f.id ?? ''), d: polygons.flatMap((p) => p.map(ringPath)).join('') }
  })
  return shapes
}

export default function WorldMap({ countries }: { countries: { name: string; clicks: number }[] }) {
  const all = countryShapes()
  const byNumeric = useMemo(() => {
    const m = new Map<string, { code: string; clicks: number }>()
    for (const c of countries) {
      const num = NUMERIC.get(c.name)
      if (num) m.set(num, { code: c.name, clicks: c.clicks })
    }
    return m
  }, [countries])
  const max = Math.max(1, ...countries.map((c) => c.clicks))
  const known = countries.filter((c) => NUMERIC.has(c.name))
  const label = known.length
    ? `World map of clicks by country: ${known.map((c) => `${countryName(c.name)} ${fmt(c.clicks)}`).join(', ')}`
    : 'World map of clicks by country: no clicks from a known country in this range'
  return (
    <figure className="min-w-0">
      <svg viewBox={`0 0 ${W} ${H}`} className="block h-auto w-full overflow-hidden" role="img" aria-label={label} data-testid="world-map">
        {all.map((s) => {
          const hit = byNumeric.get(s.id)
          return hit
            ? <path key={s.id} d={s.d} data-country={hit.code} fillOpacity={0.25 + 0.75 * (hit.clicks / max)}
              className="fill-indigo-600 stroke-white dark:fill-indigo-400 dark:stroke-zinc-900" strokeWidth={0.5}><title>{`${countryName(hit.code)}: ${fmt(hit.clicks)}`}</title></path>
            : <path key={s.id || s.d.slice(0, 12)} d={s.d} className="fill-zinc-200 stroke-white dark:fill-zinc-800 dark:stroke-zinc-900" strokeWidth={0.5} />
        })}
      </svg>
      {max > 1 ? (
        <figcaption aria-hidden className="mt-2 flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          <span>1</span>
          {LEGEND.map((c) => <span key={c} className={`h-2.5 w-6 rounded-sm ${c}`} />)}
          <span>{fmt(max)} clicks</span>
        </figcaption>
      ) : null}
    </figure>
  )
}
