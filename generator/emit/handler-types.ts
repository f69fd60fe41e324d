/**
 * What a role's implementation of a protocol version is: its handler type, a function generic in the
 * session's type parameter `S` from the first state to a completion token, and that token's interface,
 * which only an End state's `end()` produces, so a handler that returns has run *its own* session to the end.
 */
import { DeclarationKind, type Statement } from './declarations.js'
import type { FamilyModel, VersionModel } from '../protocol-model.js'
import { completionTypeName, handlerTypeName, stateTypeName } from './names.js'

/**
 * The completion interface of `role` in every version of the family: branded by protocol and role, and
 * by the session parameter, which already tells versions apart (a session runs one version).
 */
export function completionType(family: FamilyModel, role: string): Statement {
  const { name } = family
  return {
    kind: DeclarationKind.Interface,
    name: completionTypeName(name, role),
    isExported: true,
    typeParameters: [
      { name: 'S', variance: 'out' },
      { name: 'R', variance: 'out' },
    ],
    docs: [`Proof that ${role} reached the end of a session of ${name}: only an End state's \`end()\` produces it, for that state's session \`S\`.`],
    properties: [
      { name: '$completion', isReadonly: true, type: `'${name} ${role}'` },
      { name: '$session', isReadonly: true, type: 'S' },
      { name: 'result', isReadonly: true, type: 'R' },
    ],
  }
}

/** The handler type of `role` (`kind`: initiator or responder) in `version`. */
export function handlerType(family: FamilyModel, version: VersionModel, role: string, kind: string): Statement {
  const { name } = family
  const v = version.definition.version
  const table = version.table
  return {
    kind: DeclarationKind.TypeAlias,
    name: handlerTypeName(name, v, role),
    isExported: true,
    typeParameters: ['R'],
    docs: [
      `Implements ${role} (${kind}) of ${name} v${v}: start in the first state, return the completion of the End state. ` +
        'Generic in the session `S`, fresh for every session and inline run.',
    ],
    type: `<S>(s: ${stateTypeName(name, v, role, table.states[table.start]!)}<S>, ctx: FlowContext) => Promise<${completionTypeName(name, role)}<S, R>>`,
  }
}
