/** Names of generated declarations: flat, readable, and naming protocol, version, role and step. */
import type { StateEntry } from '../../runtime/protocol/ir/index.js'

export function pascal(label: string): string {
  return label
    .split('_')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('')
}

export function versionPrefix(protocol: string, version: number): string {
  return `${protocol}V${version}`
}

export function rolePrefix(protocol: string, version: number, role: string): string {
  return `${versionPrefix(protocol, version)}${role}`
}

export function messageTypeName(protocol: string, version: number, label: string): string {
  return `${versionPrefix(protocol, version)}_${pascal(label)}`
}

/** What a sender writes for a message: `<Msg>Input` beside `<Msg>`, what a receiver reads. */
export function messageInputTypeName(messageType: string): string {
  return `${messageType}Input`
}

export function errorTypeName(protocol: string, version: number, error: string): string {
  return `${versionPrefix(protocol, version)}_${pascal(error)}Error`
}

export function stateTypeName(protocol: string, version: number, role: string, entry: StateEntry): string {
  const prefix = `${rolePrefix(protocol, version, role)}_`
  switch (entry.op) {
    case 'end':
      return `${prefix}End`
    case 'message':
      return `${prefix}${entry.from === role ? 'Send' : 'Receive'}${pascal(entry.label)}`
    case 'choice':
      return `${prefix}${entry.by === role ? 'Choose' : 'Offer'}${pascal(entry.label)}`
    case 'inline':
      return `${prefix}Inline${pascal(entry.label)}`
  }
}

/**
 * The brand text of a state: protocol, version, role, step and what the role does there, e.g.
 * `Demo v1 Alice step 1 of 4: send amount` (`step` is the state's step number as the IR words it).
 */
export function stateBrand(protocol: string, version: number, role: string, entry: StateEntry, step: string): string {
  const head = `${protocol} v${version} ${role}`
  switch (entry.op) {
    case 'end':
      return `${head} end`
    case 'message':
      return `${head} ${step}: ${entry.from === role ? 'send' : 'receive'} ${entry.label}`
    case 'choice':
      return `${head} ${step}: ${entry.by === role ? 'choose' : 'offer'} ${entry.label}`
    case 'inline':
      return `${head} ${step}: inline ${entry.label}`
  }
}

/** One completion type per protocol and role: the session parameter, not the version, says whose proof it is. */
export const completionTypeName = (protocol: string, role: string): string => `${protocol}${role}_Completion`
export const handlerTypeName = (protocol: string, version: number, role: string): string => `${rolePrefix(protocol, version, role)}_Handler`
export const tableName = (protocol: string, version: number): string => `${versionPrefix(protocol, version)}Table`
export const specName = (protocol: string, version: number): string => `${versionPrefix(protocol, version)}Spec`
export const versionErrorsName = (protocol: string, version: number): string => `${versionPrefix(protocol, version)}Errors`

/** What follows a protocol's name in the names a generated module declares for it (`Demo` + `Protocol`, `V1Spec`, `V1_Amount`, `Alice_Completion`). */
const declaredSuffix = /^(|Protocol|Version|Only|InitiatorHandlers|ResponderHandlers|V\d+(Table|Spec|Errors)|[A-Za-z0-9]*_.*)$/

/**
 * The name a generated module gives the protocol file's export it imports. An export named like a declaration
 * of the module (`export const Greeting = protocol('Greeting', ...)` beside the family object `Greeting`) is
 * imported under an alias, `GreetingDefinition`, since an import and a declaration cannot share a name.
 */
export function definitionBinding(familyNames: readonly string[], exportName: string): string {
  const clashes = familyNames.some((family) => exportName.startsWith(family) && declaredSuffix.test(exportName.slice(family.length)))
  return clashes ? `${exportName}Definition` : exportName
}
