// The "Advanced" part of the link form: access and limits (password, click limit, where an expired
// link sends visitors), social previews, tags (with a new one made inline), UTM values (a saved
// template can fill them), routing rules (ordered; each a set of conditions and a destination) and
// an A/B test (2-4 variants whose weights sum to 100). The drafts are plain strings; toBody turns
// them into the API's fields, and every server error whose field is one of them is shown here,
// next to the input it names (rules[0].url, abTest.variants[1].url, utm.source, ...).
import { useState, type KeyboardEvent, type ReactNode } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ArrowDown, ArrowUp, Plus, X } from 'lucide-react'
import { ApiError, api, unwrap } from './api'
import { Button, cx } from './ui'
import { DEFAULT_TAG_COLOR, inkOn, useTags } from './tags'

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const
type UtmKey = (typeof UTM_KEYS)[number]
const CONDITIONS = [
  ['country', 'Country', 'ISO codes, e.g. DE, AT'], ['city', 'City', 'e.g. Berlin, Vienna'], ['device', 'Device', 'mobile, tablet, desktop'],
  ['os', 'Operating system', 'e.g. iOS, Android'], ['browser', 'Browser', 'e.g. Chrome, Firefox'], ['language', 'Language', 'e.g. de, fr'],
  ['after', 'From (date and time)', ''], ['before', 'Until (date and time)', ''], ['query', 'Query parameter', ''], ['ip', 'IP address or CIDR', 'e.g. 10.0.0.0/8'],
] as const
type ConditionType = (typeof CONDITIONS)[number][0]
const INPUT = 'w-full min-w-0 rounded-lg border bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-500 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400'
const ERR = 'text-sm text-red-700 dark:text-red-400'

type CondDraft = { type: ConditionType; values: string; at: string; param: string; equals: string }
type RuleDraft = { key: number; conditions: CondDraft[]; url: string }
type VariantDraft = { url: string; weight: string }
type OgDraft = { title: string; description: string; image: string }
export type SmartDraft = {
  tagIds: string[]; utm: Record<UtmKey, string>; rules: RuleDraft[]; ab: VariantDraft[] | null
  password: string; hasPassword: boolean; removePassword: boolean; maxClicks: string; expiredUrl: string; og: OgDraft
}

type ApiCondition = { type: ConditionType; values?: string[]; at?: string; param?: string; equals?: string }
type SmartLink = {
  tagIds?: string[]; utm?: Partial<Record<UtmKey, string>> | null
  rules?: { conditions: ApiCondition[]; url: string }[] | null; abTest?: { variants: { url: string; weight: number }[] } | null
  hasPassword?: boolean; maxClicks?: number | null; expiredUrl?: string | null; og?: Partial<OgDraft> | null
}

let keys = 0
const localInstant = (iso: string) => {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}
const emptyCondition = (): CondDraft => ({ type: 'country', values: '', at: '', param: '', equals: '' })

export function draftOf(link?: SmartLink): SmartDraft {
  return {
    tagIds: link?.tagIds ?? [],
    utm: Object.fromEntries(UTM_KEYS.map((k) => [k, link?.utm?.[k] ?? ''])) as Record<UtmKey, string>,
    rules: (link?.rules ?? []).map((r) => ({
      key: ++keys, url: r.url,
      conditions: r.conditions.map((c) => ({ type: c.type, values: (c.values ?? []).join(', '), at: c.at ? localInstant(c.at) : '', param: c.param ?? '', equals: c.equals ?? '' })),
    })),
    ab: link?.abTest ? link.abTest.variants.map((v) => ({ url: v.url, weight: String(v.weight) })) : null,
    password: '', hasPassword: link?.hasPassword ?? false, removePassword: false,
    maxClicks: link?.maxClicks ? String(link.maxClicks) : '', expiredUrl: link?.expiredUrl ?? '',
    og: { title: link?.og?.title ?? '', description: link?.og?.description ?? '', image: link?.og?.image ?? '' },
  }
}

const conditionOf = (c: CondDraft): ApiCondition => {
  if (c.type === 'after' || c.type === 'before') {
    const d = new Date(c.at)
    return { type: c.type, at: Number.isNaN(d.getTime()) ? c.at : d.toISOString() }
  }
  if (c.type === 'query') return { type: 'query', param: c.param.trim(), ...(c.equals.trim() ? { equals: c.equals.trim() } : {}) }
  return { type: c.type, values: c.values.split(',').map((v) => v.trim()).filter(Boolean) }
}

/** The API's smart fields of a draft; `null` clears a field (rules, abTest, utm). */
export function toBody(d: SmartDraft, withRouting: boolean, creating = false) {
  const utm = Object.fromEntries(UTM_KEYS.map((k) => [k, d.utm[k].trim()]).filter(([, v]) => v))
  const og = Object.fromEntries((['title', 'description', 'image'] as const).map((k) => [k, d.og[k].trim()]).filter(([, v]) => v))
  const maxClicks = d.maxClicks.trim()
  return {
    ...(creating && d.tagIds.length === 0 ? {} : { tagIds: d.tagIds }),
    maxClicks: maxClicks ? Number(maxClicks) : null,
    expiredUrl: d.expiredUrl.trim() || null,
    ...(withRouting ? {
      ...(d.removePassword ? { password: null } : d.password ? { password: d.password } : {}),
      og: Object.keys(og).length ? og : null,
      utm: Object.keys(utm).length ? utm : null,
      rules: d.rules.length ? d.rules.map((r) => ({ url: r.url.trim(), conditions: r.conditions.map(conditionOf) })) : null,
      abTest: d.ab ? { variants: d.ab.map((v) => ({ url: v.url.trim(), weight: Number(v.weight) })) } : null,
    } : {}),
  }
}

/** The weights' sum when it is not 100 (the draft cannot be sent), else null. */
export function weightProblem(d: SmartDraft): string | null {
  if (!d.ab) return null
  const ws = d.ab.map((v) => Number(v.weight))
  if (ws.some((w) => !Number.isInteger(w) || w < 5 || w > 95)) return 'Each weight is a whole number from 5 to 95.'
  const sum = ws.reduce((a, b) => a + b, 0)
  return sum === 100 ? null : `The weights add up to ${sum}; they must add up to 100.`
}

/** Whether the API error names one of the fields shown here. */
export const isSmartField = (field: string | null) => !!field && /^(rules|abTest|utm|tagIds|password|maxClicks|expiredUrl|og)(\.|\[|$)/.test(field)

/** The server's message for exactly this field, or for anything under it when `under` is set. */
function errorAt(error: unknown, field: string, under = false): string | null {
  if (!(error instanceof ApiError) || !error.field) return null
  return error.field === field || (under && (error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`))) ? error.message : null
}

export function SmartFields({ draft, set, error, kind, open }: { draft: SmartDraft; set: (d: SmartDraft) => void; error: unknown; kind: string; open: boolean }) {
  return (
    <details open={open || isSmartField(error instanceof ApiError ? error.field : null)} className="group rounded-lg border border-zinc-200 sm:col-span-2 dark:border-zinc-800">
      <summary className="cursor-pointer rounded-lg px-3 py-2 text-sm font-medium text-zinc-800 select-none hover:bg-zinc-50 dark:text-zinc-200 dark:hover:bg-zinc-800">Advanced: tags, UTM, routing rules, A/B test, password, limits, previews</summary>
      <div className="flex min-w-0 flex-col gap-5 border-t border-zinc-200 p-3 dark:border-zinc-800">
        <AccessFields draft={draft} set={set} error={error} kind={kind} />
        <TagPicker value={draft.tagIds} onChange={(tagIds) => set({ ...draft, tagIds })} error={errorAt(error, 'tagIds', true)} />
        {kind === 'url' ? <>
          <UtmFields value={draft.utm} onChange={(utm) => set({ ...draft, utm })} error={error} />
          <RulesEditor rules={draft.rules} onChange={(rules) => set({ ...draft, rules })} error={error} />
          <AbEditor draft={draft} onChange={(ab) => set({ ...draft, ab })} error={error} />
        </> : <p className="text-sm text-zinc-600 dark:text-zinc-400">Routing rules, A/B tests and UTM values are for web address links.</p>}
      </div>
    </details>
  )
}

function Group({ title, children, error, hint }: { title: string; children: ReactNode; error?: string | null; hint?: string }) {
  return (
    <fieldset className="flex min-w-0 flex-col gap-2">
      <legend className="mb-1 text-sm font-semibold text-zinc-800 dark:text-zinc-200">{title}</legend>
      {hint ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
      {children}
      {error ? <p className={ERR} role="alert">{error}</p> : null}
    </fieldset>
  )
}

function TagPicker({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error: string | null }) {
  const tags = useTags()
  const client = useQueryClient()
  const [name, setName] = useState('')
  const make = useMutation({
    mutationFn: () => unwrap(api.v1.tags.post({ name: name.trim(), color: DEFAULT_TAG_COLOR })),
    onSuccess: async (r) => { setName(''); onChange([...value, r.data.id]); await client.invalidateQueries({ queryKey: ['tags'] }) },
  })
  const add = () => { if (name.trim()) make.mutate() }
  const enter = (e: KeyboardEvent<HTMLInputElement>) => { if (e.key === 'Enter') { e.preventDefault(); add() } }
  const toggle = (id: string) => onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id])
  const makeError = make.error instanceof ApiError ? make.error.message : make.error ? 'The tag could not be made.' : null
  return (
    <Group title="Tags" error={error}>
      {tags.isError ? <p className={ERR}>Your tags could not be loaded.</p> : null}
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Tags of the link">
        {tags.data?.length === 0 ? <span className="text-sm text-zinc-600 dark:text-zinc-400">No tags yet: make one below.</span> : null}
        {tags.data?.map((t) => {
          const on = value.includes(t.id)
          return (
            <button key={t.id} type="button" aria-pressed={on} onClick={() => toggle(t.id)}
              className={cx('max-w-full truncate rounded-full border px-2.5 py-1 text-xs font-medium', on ? 'border-transparent' : 'border-zinc-300 bg-white text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200')}
              style={on ? { backgroundColor: t.color, color: inkOn(t.color) } : undefined}>
              {on ? '✓ ' : ''}{t.name}
            </button>
          )
        })}
      </div>
      <div className="flex min-w-0 gap-2">
        <label htmlFor="f-new-tag" className="sr-only">New tag name</label>
        <input id="f-new-tag" value={name} maxLength={50} placeholder="New tag" onChange={(e) => setName(e.target.value)} onKeyDown={enter}
          aria-invalid={makeError ? true : undefined} aria-describedby={makeError ? 'f-new-tag-error' : undefined}
          className={cx(INPUT, makeError ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700')} />
        <Button type="button" variant="secondary" onClick={add} disabled={make.isPending || !name.trim()}><Plus className="size-4" aria-hidden />Add</Button>
      </div>
      {makeError ? <p id="f-new-tag-error" className={ERR}>{makeError}</p> : null}
    </Group>
  )
}

function TextInput({ id, label, value, onChange, error, placeholder, type = 'text', autoComplete }: {
  id: string; label: string; value: string; onChange: (v: string) => void; error?: string | null; placeholder?: string; type?: string; autoComplete?: string
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm text-zinc-800 dark:text-zinc-200">{label}</label>
      <input id={id} type={type} value={value} placeholder={placeholder} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
        className={cx(INPUT, error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700')} />
      {error ? <p id={`${id}-error`} className={ERR}>{error}</p> : null}
    </div>
  )
}

function UtmFields({ value, onChange, error }: { value: Record<UtmKey, string>; onChange: (v: Record<UtmKey, string>) => void; error: unknown }) {
  const templates = useQuery({ queryKey: ['utm-templates'], queryFn: () => unwrap(api.v1['utm-templates'].get()), select: (r) => r.data })
  const [chosen, setChosen] = useState('')
  const apply = () => {
    const t = templates.data?.find((x) => x.id === chosen)
    if (t) onChange(Object.fromEntries(UTM_KEYS.map((k) => [k, (t.utm as Partial<Record<UtmKey, string>>)[k] ?? ''])) as Record<UtmKey, string>)
  }
  return (
    <Group title="UTM" hint="Added to the destination as utm_source, utm_medium, …; a visitor's own values do not override them." error={errorAt(error, 'utm')}>
      {templates.data && templates.data.length > 0 ? (
        <div className="flex min-w-0 flex-wrap items-end gap-2">
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <label htmlFor="f-utm-template" className="text-sm text-zinc-800 dark:text-zinc-200">Template</label>
            <select id="f-utm-template" value={chosen} onChange={(e) => setChosen(e.target.value)} className={cx(INPUT, 'border-zinc-300 dark:border-zinc-700')}>
              <option value="">Choose a template</option>
              {templates.data.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </div>
          <Button type="button" variant="secondary" onClick={apply} disabled={!chosen}>Apply template</Button>
        </div>
      ) : null}
      <div className="grid gap-2 sm:grid-cols-2">
        {UTM_KEYS.map((k) => <TextInput key={k} id={`f-utm-${k}`} label={`utm_${k}`} value={value[k]} onChange={(v) => onChange({ ...value, [k]: v })} error={errorAt(error, `utm.${k}`)} />)}
      </div>
    </Group>
  )
}

function RulesEditor({ rules, onChange, error }: { rules: RuleDraft[]; onChange: (r: RuleDraft[]) => void; error: unknown }) {
  const put = (i: number, r: RuleDraft) => onChange(rules.map((x, j) => j === i ? r : x))
  const move = (i: number, by: number) => { const n = [...rules]; [n[i], n[i + by]] = [n[i + by], n[i]]; onChange(n) }
  return (
    <Group title="Routing rules" hint="In order: the first rule whose conditions all hold sends the visitor to its URL; none holds: the A/B test, else the destination."
      error={errorAt(error, 'rules')}>
      <ol className="flex flex-col gap-3">
        {rules.map((r, i) => {
          const p = `rules[${i}]`
          const ruleLevel = errorAt(error, p, true) && !errorAt(error, `${p}.url`) && !errorAt(error, `${p}.conditions`, true) ? errorAt(error, p, true) : errorAt(error, `${p}.conditions`)
          return (
            <li key={r.key} className="flex min-w-0 flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Rule ${i + 1}`}>
              <div className="flex items-center gap-1">
                <span className="mr-auto text-sm font-medium text-zinc-800 dark:text-zinc-200">Rule {i + 1}</span>
                <IconButton label={`Move rule ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}><ArrowUp className="size-4" aria-hidden /></IconButton>
                <IconButton label={`Move rule ${i + 1} down`} disabled={i === rules.length - 1} onClick={() => move(i, 1)}><ArrowDown className="size-4" aria-hidden /></IconButton>
                <IconButton label={`Remove rule ${i + 1}`} onClick={() => onChange(rules.filter((_, j) => j !== i))}><X className="size-4" aria-hidden /></IconButton>
              </div>
              {r.conditions.map((c, j) => (
                <ConditionRow key={j} id={`f-rule-${i}-cond-${j}`} cond={c} error={errorAt(error, `${p}.conditions[${j}]`, true)} label={`Rule ${i + 1} condition ${j + 1}`}
                  onChange={(nc) => put(i, { ...r, conditions: r.conditions.map((x, k) => k === j ? nc : x) })}
                  onRemove={r.conditions.length > 1 ? () => put(i, { ...r, conditions: r.conditions.filter((_, k) => k !== j) }) : undefined} />
              ))}
              {ruleLevel ? <p className={ERR}>{ruleLevel}</p> : null}
              <div><Button type="button" variant="ghost" onClick={() => put(i, { ...r, conditions: [...r.conditions, emptyCondition()] })}><Plus className="size-4" aria-hidden />Condition</Button></div>
              <TextInput id={`f-rule-${i}-url`} label={`Rule ${i + 1} destination URL`} type="url" placeholder="https://example.com/other" value={r.url}
                onChange={(url) => put(i, { ...r, url })} error={errorAt(error, `${p}.url`)} />
            </li>
          )
        })}
      </ol>
      <div><Button type="button" variant="secondary" disabled={rules.length >= 20}
        onClick={() => onChange([...rules, { key: ++keys, conditions: [emptyCondition()], url: '' }])}><Plus className="size-4" aria-hidden />Add rule</Button></div>
    </Group>
  )
}

function IconButton({ label, children, ...rest }: { label: string; children: ReactNode; disabled?: boolean; onClick: () => void }) {
  return <button type="button" aria-label={label} title={label} className="rounded p-1.5 text-zinc-600 hover:bg-zinc-100 disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-800" {...rest}>{children}</button>
}

function ConditionRow({ id, cond: c, label, error, onChange, onRemove }: {
  id: string; cond: CondDraft; label: string; error: string | null; onChange: (c: CondDraft) => void; onRemove?: () => void
}) {
  const meta = CONDITIONS.find(([t]) => t === c.type)!
  return (
    <div className="flex min-w-0 flex-col gap-2 rounded-md bg-zinc-50 p-2 sm:flex-row sm:items-end dark:bg-zinc-950">
      <div className="flex min-w-0 flex-col gap-1 sm:w-44">
        <label htmlFor={`${id}-type`} className="text-sm text-zinc-800 dark:text-zinc-200">{label}</label>
        <select id={`${id}-type`} value={c.type} onChange={(e) => onChange({ ...c, type: e.target.value as ConditionType })} className={cx(INPUT, 'border-zinc-300 dark:border-zinc-700')}>
          {CONDITIONS.map(([t, name]) => <option key={t} value={t}>{name}</option>)}
        </select>
      </div>
      <div className="grid min-w-0 flex-1 gap-2 sm:grid-cols-2">
        {c.type === 'after' || c.type === 'before'
          ? <TextInput id={`${id}-at`} label="Date and time" type="datetime-local" value={c.at} onChange={(at) => onChange({ ...c, at })} />
          : c.type === 'query' ? <>
            <TextInput id={`${id}-param`} label="Parameter" value={c.param} placeholder="ref" onChange={(param) => onChange({ ...c, param })} />
            <TextInput id={`${id}-equals`} label="Equals (empty: present)" value={c.equals} onChange={(equals) => onChange({ ...c, equals })} />
          </>
          : <div className="sm:col-span-2"><TextInput id={`${id}-values`} label="Any of (comma-separated)" value={c.values} placeholder={meta[2]} onChange={(values) => onChange({ ...c, values })} /></div>}
      </div>
      {onRemove ? <IconButton label={`Remove ${label.toLowerCase()}`} onClick={onRemove}><X className="size-4" aria-hidden /></IconButton> : null}
      {error ? <p className={cx(ERR, 'basis-full')} id={`${id}-error`}>{error}</p> : null}
    </div>
  )
}

function AbEditor({ draft, onChange, error }: { draft: SmartDraft; onChange: (v: VariantDraft[] | null) => void; error: unknown }) {
  const ab = draft.ab
  const local = weightProblem(draft)
  const server = errorAt(error, 'abTest') ?? errorAt(error, 'abTest.variants')
  const put = (i: number, v: VariantDraft) => ab && onChange(ab.map((x, j) => j === i ? v : x))
  return (
    <Group title="A/B test" hint="2 to 4 destinations; each visitor always sees the same one. Weights are percent (at least 5 each) and add up to 100.">
      {ab ? <>
        <ol className="flex flex-col gap-2">
          {ab.map((v, i) => (
            <li key={i} className="flex min-w-0 flex-col gap-2 rounded-md bg-zinc-50 p-2 sm:flex-row sm:items-start dark:bg-zinc-950">
              <div className="min-w-0 flex-1"><TextInput id={`f-ab-${i}-url`} label={`Variant ${'ABCD'[i]} URL`} type="url" placeholder="https://example.com/variant" value={v.url}
                onChange={(url) => put(i, { ...v, url })} error={errorAt(error, `abTest.variants[${i}].url`)} /></div>
              <div className="sm:w-28"><TextInput id={`f-ab-${i}-weight`} label={`Variant ${'ABCD'[i]} weight`} type="number" value={v.weight}
                onChange={(weight) => put(i, { ...v, weight })} error={errorAt(error, `abTest.variants[${i}].weight`)} /></div>
              {ab.length > 2 ? <div className="sm:pt-6"><IconButton label={`Remove variant ${'ABCD'[i]}`} onClick={() => onChange(ab.filter((_, j) => j !== i))}><X className="size-4" aria-hidden /></IconButton></div> : null}
            </li>
          ))}
        </ol>
        <p id="f-ab-sum" role="status" className={local ? ERR : 'text-sm text-zinc-600 dark:text-zinc-400'}>{local ?? 'The weights add up to 100.'}</p>
        {server ? <p className={ERR} id="f-ab-error">{server}</p> : null}
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="secondary" disabled={ab.length >= 4} onClick={() => onChange([...ab, { url: '', weight: '' }])}><Plus className="size-4" aria-hidden />Add variant</Button>
          <Button type="button" variant="ghost" onClick={() => onChange(null)}>Remove the test</Button>
        </div>
      </> : <div><Button type="button" variant="secondary" onClick={() => onChange([{ url: '', weight: '50' }, { url: '', weight: '50' }])}><Plus className="size-4" aria-hidden />Start an A/B test</Button></div>}
    </Group>
  )
}

function AccessFields({ draft, set, error, kind }: { draft: SmartDraft; set: (d: SmartDraft) => void; error: unknown; kind: string }) {
  const og = (k: keyof OgDraft, label: string, type = 'text', placeholder?: string) => (
    <TextInput id={`f-og-${k}`} label={label} type={type} placeholder={placeholder} value={draft.og[k]}
      onChange={(v) => set({ ...draft, og: { ...draft.og, [k]: v } })} error={errorAt(error, `og.${k}`)} />
  )
  return <>
    <Group title="Access and limits">
      {kind === 'url' ? <>
        <TextInput id="f-password" label={draft.hasPassword ? 'New password (leave empty to keep the current one)' : 'Password (optional)'} type="password"
          value={draft.password} autoComplete="new-password" onChange={(password) => set({ ...draft, password, removePassword: false })} error={errorAt(error, 'password')} />
        {draft.hasPassword ? (
          <div className="flex items-center gap-2">
            <input id="f-remove-password" type="checkbox" checked={draft.removePassword} onChange={(e) => set({ ...draft, removePassword: e.target.checked, password: '' })} className="size-4 accent-indigo-600" />
            <label htmlFor="f-remove-password" className="text-sm text-zinc-800 dark:text-zinc-200">Remove the password</label>
          </div>
        ) : null}
      </> : null}
      <div className="grid gap-2 sm:grid-cols-2">
        <TextInput id="f-maxClicks" label="Click limit (optional)" type="number" value={draft.maxClicks} onChange={(maxClicks) => set({ ...draft, maxClicks })} error={errorAt(error, 'maxClicks')} />
        <TextInput id="f-expiredUrl" label="When expired or used up, go to" type="url" placeholder="https://example.com/offer-ended" value={draft.expiredUrl}
          onChange={(expiredUrl) => set({ ...draft, expiredUrl })} error={errorAt(error, 'expiredUrl')} />
      </div>
    </Group>
    {kind === 'url' ? (
      <Group title="Social preview" hint="Shown by Slack, X, Facebook, LinkedIn, Discord, Telegram, WhatsApp and iMessage when the short URL is shared." error={errorAt(error, 'og')}>
        <div className="grid gap-2 sm:grid-cols-2">
          {og('title', 'Preview heading')}
          {og('image', 'Preview image (https)', 'url', 'https://example.com/card.png')}
          <div className="sm:col-span-2">{og('description', 'Preview text')}</div>
        </div>
      </Group>
    ) : null}
  </>
}
