/**
 * Where one role stands in one protocol version, walked one step at a time: what the role must do next
 * (send, receive, choose, be offered a choice, or nothing: the end). Inlined sub-protocols are entered and
 * left on the way, with their wire labels prefixed (`signatures.proposal`), as the runtime does. The
 * scripted counterparty uses it to check both its script and every frame the handler under test sends.
 */
import { InternalError } from '../protocol/errors/internal-error.js'
import { type Schema, type StateEntry, StaleGeneratedCodeError, type VersionSpec, stepNumber } from '../protocol/index.js'

/** What the role must do next, with the wire label and a description of the protocol step. */
export type Expectation =
  | { readonly kind: 'send' | 'receive'; readonly label: string; readonly schema: Schema; readonly where: string }
  | { readonly kind: 'choose' | 'offer'; readonly label: string; readonly branches: readonly string[]; readonly where: string }
  | { readonly kind: 'end'; readonly where: string }

interface Level {
  readonly spec: VersionSpec
  readonly role: string
  readonly prefix: string
  /** Where the enclosing level continues once this inlined run ends. */
  readonly returnTo: number | undefined
  state: number
}

export class ProtocolCursor {
  readonly #levels: Level[]
  /** The errors the session's protocol declares: what either side may raise on it. */
  readonly errors: Readonly<Record<string, Schema>>

  constructor(spec: VersionSpec, role: string) {
    this.#levels = [{ spec, role, prefix: '', returnTo: undefined, state: spec.table.start }]
    this.errors = spec.definition.errors as Readonly<Record<string, Schema>>
    this.#settle()
  }

  /** The session's protocol and version, e.g. `Demo v1`. */
  get protocolName(): string {
    const { table } = this.#levels[0]!.spec
    return `${table.protocol} v${table.version}`
  }

  get expectation(): Expectation {
    const level = this.#top
    const entry = this.#entry
    const where = this.#where(level, entry)
    if (entry.op === 'end') return { kind: 'end', where }
    if (entry.op === 'choice') {
      return { kind: entry.by === level.role ? 'choose' : 'offer', label: level.prefix + entry.label, branches: Object.keys(entry.branches), where }
    }
    if (entry.op === 'inline') throw new InternalError(`${where}: the cursor rests on an inlined protocol instead of entering it.`)
    const schema = level.spec.definition.messages.get(entry.label)
    if (!schema) throw new StaleGeneratedCodeError(`${where}: the generated spec has no schema for '${entry.label}'; run colloquy generate.`)
    return { kind: entry.from === level.role ? 'send' : 'receive', label: level.prefix + entry.label, schema, where }
  }

  /** Moves past the current message, or into `branch` of the current choice. */
  advance(branch?: string): void {
    const entry = this.#entry
    if (entry.op === 'message') this.#top.state = entry.next
    else if (entry.op === 'choice' && branch !== undefined && entry.branches[branch] !== undefined) this.#top.state = entry.branches[branch]!
    else throw new InternalError(`The cursor cannot advance past ${entry.op} ${branch ?? ''}: the script player checks a step before it advances.`)
    this.#settle()
  }

  get #top(): Level {
    return this.#levels.at(-1)!
  }

  get #entry(): StateEntry {
    const level = this.#top
    return level.spec.table.states[level.state]!
  }

  /** Enters inlined runs and leaves finished ones until the cursor rests on a message, a choice or the end. */
  #settle(): void {
    for (;;) {
      const level = this.#top
      const entry = this.#entry
      if (entry.op === 'inline') {
        const spec = level.spec.inlines[entry.label]
        if (!spec)
          throw new StaleGeneratedCodeError(
            `${this.#where(level, entry)}: the generated spec has no inlined ${entry.protocol} v${entry.version}; run colloquy generate.`,
          )
        const role = Object.keys(entry.roles).find((r) => entry.roles[r] === level.role)!
        this.#levels.push({ spec, role, prefix: `${level.prefix}${entry.label}.`, returnTo: entry.next, state: spec.table.start })
        continue
      }
      if (entry.op === 'end' && level.returnTo !== undefined) {
        this.#levels.pop()
        this.#top.state = level.returnTo
        continue
      }
      return
    }
  }

  #where(level: Level, entry: StateEntry): string {
    const path = this.#levels
      .slice(0, this.#levels.indexOf(level) + 1)
      .map((l) => `${l.spec.table.protocol} v${l.spec.table.version} ${l.role}`)
      .join(' > ')
    return `${path}, ${stepNumber(level.spec.table, entry.id)}${entry.op === 'end' ? '' : ` ('${entry.label}')`}`
  }
}
