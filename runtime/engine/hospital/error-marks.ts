/**
 * What flow authors say about an error besides its class: `terminal(error)` (never admitted to the
 * hospital: it propagates as it is), and, set by the engine, that an error came out of a region marked
 * "observe on error" or out of a step declaring how it may be retried. Marks live beside the error objects
 * (a WeakMap), so a caught and re-thrown error keeps them; the error itself is not changed.
 */
export type StepRetry = true | number

const marks = new WeakMap<object, { terminal?: true; observe?: true; retry?: StepRetry }>()

function mark(error: unknown, add: { terminal?: true; observe?: true; retry?: StepRetry }): void {
  if (typeof error !== 'object' || error === null) return
  marks.set(error, { ...marks.get(error), ...add })
}

/** Marks an error as terminal: the hospital lets it propagate to the flow's caller and counterparties at once. */
export function terminal<E>(error: E): E {
  mark(error, { terminal: true })
  return error
}

export function isTerminal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (marks.get(error)?.terminal === true || (error as { terminal?: unknown }).terminal === true)
}

export function markObserved(error: unknown): void {
  mark(error, { observe: true })
}

export function isMarkedObserved(error: unknown): boolean {
  return typeof error === 'object' && error !== null && marks.get(error)?.observe === true
}

export function markStepRetry(error: unknown, retry: StepRetry): void {
  mark(error, { retry })
}

/** How the step the error came out of may be retried (`ctx.step(name, fn, { retry })`), if it said. */
export function stepRetry(error: unknown): StepRetry | undefined {
  return typeof error === 'object' && error !== null ? marks.get(error)?.retry : undefined
}

/** The error and its causes, outermost first (cycles cut, at most 16 deep). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  let current = error
  while (current !== undefined && current !== null && chain.length < 16 && !chain.includes(current)) {
    chain.push(current)
    current = (current as { cause?: unknown }).cause
  }
  return chain
}

/** The `code` of an error (a string, as SQLite's `SQLITE_BUSY`, Node's `ECONNRESET`, Colloquy's codes), if it has one. */
export function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}
