/**
 * The form for an awaited event, generated from the JSON Schema of its payload by @json-editor/json-editor
 * (nested objects, enums as choices, booleans, numbers, text; the schema's required fields and limits are
 * checked in the page, and each problem is shown at its field before anything is sent). A payload that is a
 * single boolean field (e.g. `{ approved }`) gets two buttons instead: the event's name (Approve) and Reject.
 */
import type { JSONEditor } from '@json-editor/json-editor'
import { useEffect, useRef } from 'preact/hooks'
import type { JsonSchema } from './types.js'

const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)
const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type[0] : schema.type) as string | undefined

/** The editor's options: a plain form (no JSON, properties or collapse buttons), errors shown once touched or sent. */
const editorOptions = (event: string, schema: JsonSchema) => ({
  schema,
  theme: 'html',
  form_name_root: event,
  disable_edit_json: true,
  disable_properties: true,
  disable_collapse: true,
  disable_array_reorder: true,
  prompt_before_delete: false,
  show_errors: 'interaction',
})

export function SchemaForm({
  event,
  schema,
  onSubmit,
}: {
  readonly event: string
  readonly schema: JsonSchema | undefined
  readonly onSubmit: (payload: unknown) => void
}) {
  const holder = useRef<HTMLDivElement>(null)
  const editor = useRef<JSONEditor | null>(null)
  const shape = JSON.stringify(schema ?? null)
  const fields = Object.entries(schema?.properties ?? {})
  const quick = fields.length === 1 && typeOf(fields[0]![1]) === 'boolean' ? fields[0]![0] : undefined

  useEffect(() => {
    if (quick !== undefined || schema === undefined) return
    let created: JSONEditor | undefined
    let gone = false
    // The library is a chunk of its own, loaded when a form is first shown.
    void import('@json-editor/json-editor').then(({ JSONEditor }) => {
      if (gone || !holder.current) return
      created = new JSONEditor(holder.current, editorOptions(event, schema))
      editor.current = created
    })
    return () => {
      gone = true
      editor.current = null
      created?.destroy()
    }
    // The page reloads the flow every few seconds: a new editor only when the schema itself changed.
  }, [event, shape, quick])

  if (quick !== undefined)
    return (
      <div class="signal">
        <button type="button" class="primary" onClick={() => onSubmit({ [quick]: true })}>
          {title(event)}
        </button>
        <button type="button" onClick={() => onSubmit({ [quick]: false })}>
          Reject
        </button>
      </div>
    )
  return (
    <form
      class="signal schema-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (schema === undefined) return onSubmit(undefined)
        const current = editor.current
        if (!current) return
        // validate() alone answers from a cache refreshed on the next animation frame: check the value as it is now.
        const payload = current.getValue()
        const problems = current.validate(payload)
        if (problems.length > 0) return current.showValidationErrors(problems)
        onSubmit(payload)
      }}
    >
      <div ref={holder} />
      <button type="submit" class="primary">
        {title(event)}
      </button>
    </form>
  )
}
