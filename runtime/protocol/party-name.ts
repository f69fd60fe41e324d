/**
 * Party names: what a node is called, what the network map lists and what flows name as counterparties.
 * A name is 1 to 128 characters: letters and digits (of any script, with their combining marks), spaces,
 * '.', '-' and '_', starting with a letter or digit and not ending with a space. So a name holds no ':'
 * (a node joins a party's name and an id that party chose with ':' in the keys it remembers, which must
 * not be ambiguous) and no control character (names are written into logs).
 */
import { InvalidOptionError } from './errors/invalid-option-error.js'

/** The rule, as error messages state it. */
export const PARTY_NAME_RULE = "a party name is 1 to 128 letters, digits, spaces, '.', '-' or '_', starts with a letter or digit and does not end with a space"

const ALLOWED = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._-]*$/u

/** Why `name` is not a valid party name (a phrase: "contains ':'"), or undefined when it is one. */
export function partyNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `is ${name === null ? 'null' : typeof name}, not a string`
  if (name === '') return 'is empty'
  if (name.length > 128) return `is ${name.length} characters long`
  if (ALLOWED.test(name) && !name.endsWith(' ')) return undefined
  const bad = [...name].find((c) => !/^[\p{L}\p{M}\p{N} ._-]$/u.test(c))
  if (bad !== undefined) return `contains ${describe(bad)}`
  return name.endsWith(' ') ? 'ends with a space' : `starts with ${describe([...name][0]!)}`
}

function describe(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char) ? `'${char}' (${code})` : `the character ${code}`
}

/** Refuses a node name that is not a valid party name, before the node does anything under it. */
export function checkNodeName(name: unknown): void {
  const problem = partyNameProblem(name)
  if (problem !== undefined)
    throw new InvalidOptionError(
      `The node name ${JSON.stringify(name)} ${problem}; ${PARTY_NAME_RULE}. Give the node a name of that form (the same as its entry in the network map).`,
    )
}
