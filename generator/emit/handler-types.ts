/**
 * What a role's implementation of a protocol version is: its handler type, a function from the first state
 * to a completion token, and that token's interface, which only the End state's `end()` produces, so a
 * handler that returns has run the protocol to its end.
 */
import type { StatementStructures } from 'ts-morph'
import type { FamilyModel, VersionModel } from '../protocol-model.js'
import { completionTypeName, handlerTypeName, stateTypeName } from './names.js'
import { StructureKind } from './ts-morph-runtime.js'

/** The completion interface and handler type of `role` (`kind`: initiator or responder) in `version`. */
export function completionAndHandlerTypes(family: FamilyModel, version: VersionModel, role: string, kind: string): StatementStructures[] {
  const { name } = family
  const v = version.definition.version
  const table = version.table
  const completion = completionTypeName(name, v, role)
  const end = table.states[table.states.length - 1]!
  return [
    {
      kind: StructureKind.Interface,
      name: completion,
      isExported: true,
      typeParameters: ['R'],
      docs: [`Proof that ${role} reached the end of ${name} v${v}; only \`${stateTypeName(name, v, role, end)}.end()\` produces it.`],
      properties: [
        { name: '[protocolCompletion]', isReadonly: true, type: `'${name} v${v} ${role}'` },
        { name: 'result', isReadonly: true, type: 'R' },
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      name: handlerTypeName(name, v, role),
      isExported: true,
      typeParameters: ['R'],
      docs: [`Implements ${role} (${kind}) of ${name} v${v}: start in the first state, return the completion of the End state.`],
      type: `(s: ${stateTypeName(name, v, role, table.states[table.start]!)}, ctx: FlowContext) => Promise<${completion}<R>>`,
    },
  ]
}
