/** What a schema allows, as the short phrases schema gaps are written in: `integer`, `string or null`, `one of 'a', 'b'`. */
import { listPhrase, valuePhrase } from './describe.js'
import { type JsonType, typesOf, valuesOf } from './json-types.js'
import { alternatives, itemsOf, record } from './read-schema.js'
import type { SchemaNode } from './schema-gap.js'

/** A short description of what a schema allows: `integer`, `string or null`, `one of 'a', 'b'`, `array of string`. */
export function describe(node: SchemaNode, depth = 0): string {
  if (node === true) return 'any value'
  if (node === false) return 'nothing'
  const options = alternatives(node)
  if (options) return depth > 1 ? 'one of several shapes' : listOr(options.map((option) => describe(option, depth + 1)))
  const values = valuesOf(node)
  if (values) return valuesPhrase(values)
  const types = typesOf(node)
  if (types === null) return 'any value'
  if (types.length === 1 && types[0] === 'array' && depth < 2) return `array of ${describe(itemsOf(node), depth + 1)}`
  if (types.length === 1 && types[0] === 'object') {
    // Name a union's object alternatives by their literal fields (discriminators): `object with kind 'cash'`.
    const literals = Object.entries(record(node['properties'])).flatMap(([key, field]) =>
      typeof field === 'object' && 'const' in field ? [`${key} ${valuePhrase(field['const'])}`] : [],
    )
    if (literals.length > 0) return `object with ${listPhrase(literals)}`
  }
  return typesPhrase(types)
}

export function typesPhrase(types: readonly JsonType[]): string {
  return listOr([...types])
}

export function valuesPhrase(values: readonly unknown[]): string {
  return values.length === 1 ? valuePhrase(values[0]) : `one of ${values.map(valuePhrase).join(', ')}`
}

function listOr(items: readonly string[]): string {
  return listPhrase(items, 'or')
}
