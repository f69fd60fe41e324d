/** What every builder of one protocol definition shares: its header, where it was started, and the errors declared so far. */
import type { CallSite } from './call-site.js'
import type { ProtocolOptions } from './protocol-builder-type.js'
import type { Schema } from './session-type.js'

export interface DefinitionContext {
  readonly name: string
  readonly options: ProtocolOptions<string, string>
  readonly at: CallSite
  /** Mutable: `errors({...})` adds to it, and every builder of the definition sees the same declarations. */
  errors: Record<string, Schema>
}
