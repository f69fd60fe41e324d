/**
 * Payloads, per message kept on both sides with the same direction: both roles of a released version
 * may still run old code, so the locked writer must fit the current reader and the current writer must
 * fit the locked reader. Each gap becomes a finding that names the pair that fails.
 */
import type { JsonSchema, ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import { type SchemaGap, schemaGaps } from './compare-schema.js'
import { fieldPhrase, keptStepName, listPhrase, peer, valuePhrase, versionName } from './describe.js'
import type { FindingDraft } from './finding-draft.js'
import type { RoleMap, StepMatching } from './match-steps.js'
import type { RuleId } from './rules.js'
import type { StepGraph } from './step-graph.js'

export function comparePayloads(locked: StepGraph, current: StepGraph, matching: StepMatching, roleOf: RoleMap): FindingDraft[] {
  const out: FindingDraft[] = []
  for (const [lockedLabel, currentLabel] of matching.pairs) {
    const then = locked.nodes.get(lockedLabel)!
    const now = current.nodes.get(currentLabel)!
    if (then.step.op !== 'message' || now.step.op !== 'message' || roleOf(then.step.from) !== now.step.from) continue
    const subject = `${versionName(current.ir)} ${keptStepName(then, now, locked.ir, current.ir)}`
    const roles = { writer: now.step.from, reader: now.step.to }
    for (const message of payloadMessages(then.step.schema, now.step.schema, subject, roles)) {
      out.push({ ...message, locked: then.path, current: now.path })
    }
  }
  return out
}

/** Declared errors: either role may raise one and the other reads it, so both directions count for both roles. */
export function compareErrorSchemas(locked: ProtocolIR, current: ProtocolIR): FindingDraft[] {
  const out: FindingDraft[] = []
  for (const name of Object.keys(current.errors).sort()) {
    const then = locked.errors[name]
    const now = current.errors[name]!
    if (!then) continue
    const changes = [
      ...schemaGaps(then, now).map((gap) => ({ gap, writer: 'locked' as const })),
      ...schemaGaps(now, then).map((gap) => ({ gap, writer: 'current' as const })),
    ]
    if (changes.length === 0) continue
    const described = [
      ...new Set(changes.map(({ gap, writer }) => `${fieldPhrase(gap.path).replace('its payload', 'its details')} ${changePhrase(gap, writer)}`)),
    ]
    out.push({
      rule: 'ERROR_SCHEMA_CHANGED',
      message: `${versionName(current)} changed the details of its declared error ${name}: ${listPhrase(described)}; either role may raise it, so a peer on one definition may send details a peer on the other rejects`,
      locked: null,
      current: null,
      detail: name,
    })
  }
  return out
}

interface Roles {
  readonly writer: string
  readonly reader: string
}

type Message = Pick<FindingDraft, 'rule' | 'message' | 'detail'>

function payloadMessages(locked: JsonSchema, current: JsonSchema, subject: string, roles: Roles): Message[] {
  const oldWriter = schemaGaps(locked, current)
  const newWriter = schemaGaps(current, locked)
  const out: Message[] = []
  // A type change breaks both ways; say so once.
  const typeChanges = new Map<string, { old?: SchemaGap; new?: SchemaGap }>()
  for (const gap of oldWriter) if (gap.kind === 'type') typeChanges.set(gap.path, { ...typeChanges.get(gap.path), old: gap })
  for (const gap of newWriter) if (gap.kind === 'type') typeChanges.set(gap.path, { ...typeChanges.get(gap.path), new: gap })
  for (const [path, change] of [...typeChanges].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const from = change.old?.writer ?? change.new!.reader
    const to = change.old?.reader ?? change.new!.writer
    const who = [
      change.old ? `${peer(roles.reader, 'current')} rejects what ${peer(roles.writer, 'locked')} sends` : '',
      change.new ? `${peer(roles.reader, 'locked')} rejects what ${peer(roles.writer, 'current')} sends` : '',
    ].filter(Boolean)
    out.push({ rule: 'PAYLOAD_TYPE_CHANGED', message: `${subject} changed ${fieldPhrase(path)} from ${from} to ${to}: ${who.join(', and ')}`, detail: path })
  }
  for (const gap of oldWriter) if (gap.kind !== 'type') out.push(lockedWriterGap(gap, subject, roles))
  for (const gap of newWriter) if (gap.kind !== 'type') out.push(currentWriterGap(gap, subject, roles))
  return out
}

/** The locked writer sends what the current reader rejects. */
function lockedWriterGap(gap: SchemaGap, subject: string, { writer, reader }: Roles): Message {
  const field = fieldPhrase(gap.path)
  const rule = (id: RuleId, message: string): Message => ({ rule: id, message, detail: gapDetail(gap) })
  switch (gap.kind) {
    case 'field-absent':
      return rule(
        'PAYLOAD_REQUIRED_FIELD_ADDED',
        `${subject} added the required ${field}: ${peer(reader, 'current')} rejects the payload of ${peer(writer, 'locked')}, which never sends it`,
      )
    case 'value':
      return rule(
        'PAYLOAD_ENUM_VALUE_REMOVED',
        `${subject} removed ${values(gap)} from the values of ${field}: ${peer(writer, 'locked')} may send ${them(gap)}, which ${peer(reader, 'current')} rejects`,
      )
    case 'field-optional':
      return rule(
        'PAYLOAD_CONSTRAINT_NARROWED',
        `${subject} made ${field} required: ${peer(writer, 'locked')} may leave it out, which ${peer(reader, 'current')} rejects`,
      )
    default:
      return rule(
        'PAYLOAD_CONSTRAINT_NARROWED',
        `${subject} narrowed ${field} from ${gap.writer} to ${gap.reader}: ${peer(writer, 'locked')} may send values that ${peer(reader, 'current')} rejects`,
      )
  }
}

/** The current writer sends what the locked reader rejects. */
function currentWriterGap(gap: SchemaGap, subject: string, { writer, reader }: Roles): Message {
  const field = fieldPhrase(gap.path)
  const rule = (id: RuleId, message: string): Message => ({ rule: id, message, detail: gapDetail(gap) })
  switch (gap.kind) {
    case 'field-absent':
      return rule(
        'PAYLOAD_FIELD_REMOVED',
        `${subject} removed the required ${field}: ${peer(writer, 'current')} no longer sends it, so ${peer(reader, 'locked')} rejects the payload`,
      )
    case 'value':
      return rule(
        'PAYLOAD_ENUM_VALUE_ADDED',
        `${subject} added ${values(gap)} to the values of ${field}: ${peer(writer, 'current')} may send ${them(gap)}, which ${peer(reader, 'locked')} rejects`,
      )
    case 'field-optional':
      return rule(
        'PAYLOAD_CONSTRAINT_WIDENED',
        `${subject} made ${field} optional: ${peer(writer, 'current')} may leave it out, which ${peer(reader, 'locked')} rejects`,
      )
    default:
      return rule(
        'PAYLOAD_CONSTRAINT_WIDENED',
        `${subject} widened ${field} from ${gap.reader} to ${gap.writer}: ${peer(writer, 'current')} may send values that ${peer(reader, 'locked')} rejects`,
      )
  }
}

/** The field, the kind of gap and, for enumerations, the values: what tells two gaps in one payload apart. */
function gapDetail(gap: SchemaGap): string {
  return gap.values === undefined ? `${gap.path}|${gap.kind}` : `${gap.path}|${gap.kind}|${JSON.stringify(gap.values)}`
}

/** For error details: the change as `from A to B`, whichever side wrote. */
function changePhrase(gap: SchemaGap, writer: 'locked' | 'current'): string {
  const [from, to] = writer === 'locked' ? [gap.writer, gap.reader] : [gap.reader, gap.writer]
  switch (gap.kind) {
    case 'field-absent':
      return writer === 'locked' ? 'was added as required' : 'was removed while required'
    case 'field-optional':
      return writer === 'locked' ? 'became required' : 'became optional'
    case 'value':
      return writer === 'locked' ? `lost ${values(gap)}` : `gained ${values(gap)}`
    default:
      return `changed from ${from} to ${to}`
  }
}

function values(gap: SchemaGap): string {
  return listPhrase((gap.values ?? []).map(valuePhrase))
}

function them(gap: SchemaGap): string {
  return (gap.values ?? []).length === 1 ? 'it' : 'them'
}
