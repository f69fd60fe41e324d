/** The part of @json-editor/json-editor's API the Explorer uses (the package ships no types). */
declare module '@json-editor/json-editor' {
  export interface JsonEditorError {
    /** Dot-separated path into the value, from `root` (e.g. `root.reviewer.name`). */
    readonly path: string
    /** The schema keyword that failed (e.g. `minLength`). */
    readonly property: string
    readonly message: string
  }

  export class JSONEditor {
    constructor(element: HTMLElement, options: Readonly<Record<string, unknown>>)
    getValue(): unknown
    /** The problems of `value` (of the current value, as last validated, without it). */
    validate(value?: unknown): JsonEditorError[]
    showValidationErrors(errors?: readonly JsonEditorError[]): void
    on(event: 'ready' | 'change', listener: () => void): this
    destroy(): void
  }
}
