/**
 * The form for an awaited event, generated from the JSON Schema of its payload: a checkbox per boolean, a
 * number field per number, a choice per enum, a text field per string. A payload that is a single boolean
 * field (e.g. `{ approved }`) gets two buttons instead: the event's name (Approve) and Reject.
 */
import { useState } from 'preact/hooks'
import type { JsonSchema } from './types.js'

const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)
const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type[0] : schema.type) as string | undefined

export function SchemaForm({
  event,
  schema,
  onSubmit,
}: {
  readonly event: string
  readonly schema: JsonSchema | undefined
  readonly onSubmit: (payload: unknown) => void
}) {
  const fields = Object.entries(schema?.properties ?? {})
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(fields.map(([name, field]) => [name, typeOf(field) === 'boolean' ? false : field.enum ? field.enum[0] : ''])),
  )
  const booleans = fields.filter(([, field]) => typeOf(field) === 'boolean')
  if (fields.length === 1 && booleans.length === 1) {
    const [name] = booleans[0]!
    return (
      <div class="signal">
        <button type="button" class="primary" onClick={() => onSubmit({ [name]: true })}>
          {title(event)}
        </button>
        <button type="button" onClick={() => onSubmit({ [name]: false })}>
          Reject
        </button>
      </div>
    )
  }
  const set = (name: string, value: unknown) => setValues({ ...values, [name]: value })
  const payload = () =>
    schema?.type === 'object' || fields.length > 0
      ? Object.fromEntries(
          fields.map(([name, field]) => [name, typeOf(field) === 'number' || typeOf(field) === 'integer' ? Number(values[name]) : values[name]]),
        )
      : undefined
  return (
    <form
      class="signal"
      onSubmit={(e) => {
        e.preventDefault()
        onSubmit(payload())
      }}
    >
      {fields.map(([name, field]) => (
        <label key={name} htmlFor={`${event}-${name}`}>
          {field.title ?? name}
          {typeOf(field) === 'boolean' ? (
            <input id={`${event}-${name}`} type="checkbox" name={name} checked={values[name] === true} onChange={(e) => set(name, e.currentTarget.checked)} />
          ) : field.enum ? (
            <select id={`${event}-${name}`} name={name} onChange={(e) => set(name, field.enum![Number(e.currentTarget.value)])}>
              {field.enum.map((option, i) => (
                <option key={String(option)} value={i}>
                  {String(option)}
                </option>
              ))}
            </select>
          ) : typeOf(field) === 'number' || typeOf(field) === 'integer' ? (
            <input
              id={`${event}-${name}`}
              name={name}
              type="number"
              required={schema?.required?.includes(name) ?? false}
              value={String(values[name] ?? '')}
              onInput={(e) => set(name, e.currentTarget.value)}
            />
          ) : (
            <input
              id={`${event}-${name}`}
              name={name}
              type="text"
              required={schema?.required?.includes(name) ?? false}
              value={String(values[name] ?? '')}
              onInput={(e) => set(name, e.currentTarget.value)}
            />
          )}
        </label>
      ))}
      <button type="submit" class="primary">
        {title(event)}
      </button>
    </form>
  )
}
