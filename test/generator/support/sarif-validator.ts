/** The official SARIF 2.1.0 JSON schema (test/generator/fixtures/sarif/), compiled once with ajv and its formats. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import formatsPlugin from 'ajv-formats'
import { fileURLToPath } from 'node:url'

const schemaFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sarif/sarif-schema-2.1.0.json')

/** The schema's errors for `log` as `path: message` lines; empty when it is a valid SARIF 2.1.0 log. */
export function sarifErrors(log: unknown): string[] {
  validate ??= compile()
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`)
}

let validate: ReturnType<Ajv['compile']> | undefined

function compile(): ReturnType<Ajv['compile']> {
  const ajv = new Ajv({ allErrors: true, strict: false })
  // ajv-formats is CommonJS: its module object is the plugin function that its types call `default`.
  ;(formatsPlugin as unknown as typeof formatsPlugin.default)(ajv)
  return ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
}
