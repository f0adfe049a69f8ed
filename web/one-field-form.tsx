// A card with a form of one text field (a key's name, a domain's hostname): the API's error for
// that field under it, any other error above the buttons.
import type { FormEvent, InputHTMLAttributes } from 'react'
import { fieldError, formError } from './api'
import { Button, Card, ErrorState, Field } from './ui'

type Props = {
  title: string
  field: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; hint?: string }
  submitLabel: string
  pendingLabel: string
  pending: boolean
  error: unknown
  /** The field's value, trimmed. */
  onSubmit: (value: string) => void
  onCancel: () => void
}

export function OneFieldForm({ title, field, submitLabel, pendingLabel, pending, error, onSubmit, onCancel }: Props) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    onSubmit(String(new FormData(e.currentTarget).get(field.name) ?? '').trim())
  }
  return (
    <Card title={title} className="mb-4">
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <Field autoFocus {...field} error={fieldError(error, field.name)} />
        {formError(error, [field.name]) ? <ErrorState error={error} /> : null}
        <div className="flex gap-2">
          <Button type="submit" disabled={pending}>{pending ? pendingLabel : submitLabel}</Button>
          <Button type="button" variant="ghost" onClick={onCancel}>Cancel</Button>
        </div>
      </form>
    </Card>
  )
}
