/**
 * The canonical intermediate representation of one protocol version: roles, declared errors and steps,
 * with every payload as JSON Schema. It is what the generator emits from, what hashes are computed over,
 * and what the lockfile records. Direction is explicit (`from`/`to`, `by`), so it reads the same from
 * either side.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { ProtocolDefinitionError } from '../dsl/definition-error.js'
import type { AnyProtocol } from '../dsl/protocol-definition.js'
import type { Schema } from '../dsl/session-type.js'
import type { StepNode } from '../dsl/step-node.js'
import type { CallSite } from '../dsl/call-site.js'
import { canonicalJson } from './canonical-json.js'

export type JsonSchema = { readonly [key: string]: unknown }

export type IRStep =
  | { readonly op: 'message'; readonly label: string; readonly from: string; readonly to: string; readonly schema: JsonSchema }
  | { readonly op: 'choice'; readonly label: string; readonly by: string; readonly branches: Readonly<Record<string, readonly IRStep[]>> }
  | { readonly op: 'loop'; readonly name: string; readonly body: readonly IRStep[] }
  | { readonly op: 'continue'; readonly name: string }
  | {
      readonly op: 'inline'
      readonly label: string
      readonly protocol: string
      readonly version: number
      readonly hash: string
      readonly roles: Readonly<Record<string, string>>
    }
  | { readonly op: 'end' }

export interface ProtocolIR {
  readonly name: string
  readonly version: number
  readonly initiator: string
  readonly responder: string
  readonly errors: Readonly<Record<string, JsonSchema>>
  readonly steps: readonly IRStep[]
}

const cache = new WeakMap<AnyProtocol, { ir: ProtocolIR; hash: string }>()

export function protocolIR(definition: AnyProtocol): ProtocolIR {
  return analysed(definition).ir
}

/** `sha256:<hex>` over the canonical JSON of the IR; inlined protocols contribute their own hash. */
export function protocolHash(definition: AnyProtocol): string {
  return analysed(definition).hash
}

function analysed(definition: AnyProtocol): { ir: ProtocolIR; hash: string } {
  let entry = cache.get(definition)
  if (!entry) {
    const ir = buildIR(definition)
    entry = { ir, hash: `sha256:${createHash('sha256').update(canonicalJson(ir)).digest('hex')}` }
    cache.set(definition, entry)
  }
  return entry
}

function buildIR(definition: AnyProtocol): ProtocolIR {
  const { name, version, initiator, responder } = definition
  const jsonSchema = (what: string, schema: Schema, at: CallSite): JsonSchema => {
    try {
      const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'throw', io: 'output' }) as Record<string, unknown>
      return rest
    } catch (error) {
      throw new ProtocolDefinitionError(
        name,
        version,
        `${what}: the payload cannot travel as JSON (${(error as Error).message}); use JSON-representable schemas (no dates, bigints, maps, transforms or functions)`,
        at,
      )
    }
  }
  // A named function rather than a callback: the switch covers every op, which the linter cannot see in a map() callback.
  const convertStep = (step: StepNode): IRStep => {
    switch (step.op) {
      case 'send':
      case 'receive': {
        const [from, to] = step.op === 'send' ? [initiator, responder] : [responder, initiator]
        return { op: 'message', label: step.label, from, to, schema: jsonSchema(`${step.op} ${step.label}`, step.schema, step.at) }
      }
      case 'choose':
      case 'offer': {
        const branches: Record<string, IRStep[]> = {}
        for (const [branch, body] of step.branches) branches[branch] = convert(body)
        return { op: 'choice', label: step.label, by: step.op === 'choose' ? initiator : responder, branches }
      }
      case 'loop':
        return { op: 'loop', name: step.name, body: convert(step.body) }
      case 'continue':
        return { op: 'continue', name: step.name }
      case 'inline':
        return {
          op: 'inline',
          label: step.label,
          protocol: step.protocol.name,
          version: step.protocol.version,
          hash: protocolHash(step.protocol),
          roles: step.roles,
        }
      case 'end':
        return { op: 'end' }
    }
  }
  const convert = (steps: readonly StepNode[]): IRStep[] => steps.map(convertStep)
  const errors: Record<string, JsonSchema> = {}
  for (const [errorName, schema] of Object.entries(definition.errors)) errors[errorName] = jsonSchema(`error ${errorName}`, schema, definition.at)
  return { name, version, initiator, responder, errors, steps: convert(definition.steps) }
}
