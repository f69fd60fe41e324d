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

export const completionTypeName = (protocol: string, version: number, role: string): string => `${rolePrefix(protocol, version, role)}_Completion`
export const handlerTypeName = (protocol: string, version: number, role: string): string => `${rolePrefix(protocol, version, role)}_Handler`
export const tableName = (protocol: string, version: number): string => `${versionPrefix(protocol, version)}Table`
export const specName = (protocol: string, version: number): string => `${versionPrefix(protocol, version)}Spec`
