/**
 * Child process of the benchmark: runs the steps of `colloquy generate` one by one and prints how long
 * each took, as JSON on stdout. Started like bin/colloquy.js (tsx's ESM loader registered, then this module
 * imported; see generate-phases.ts) with an empty tsx cache, it shows where a cold generate spends its time.
 * Arguments: the project root and the runtime module, last on the command line.
 */
import path from 'node:path'

const [root, runtime] = process.argv.slice(-2) as [string, string]
const phases: Record<string, number> = { process_start_to_script: performance.now() }
let last = performance.now()
const mark = (name: string): void => {
  const now = performance.now()
  phases[name] = now - last
  last = now
}

const { generatorFingerprint } = await import('../../generator/input-fingerprint.js')
const generatorDir = path.resolve(import.meta.dirname, '..', '..', 'generator')
generatorFingerprint(generatorDir)
mark('fingerprint_generator_sources')

const { findProtocolFiles, loadProtocolFile } = await import('../../generator/load-protocols.js')
const { buildProjectModel } = await import('../../generator/protocol-model.js')
const { emitProtocolModule, outputPathFor } = await import('../../generator/emit/emit-protocol-module.js')
const { emitDiagrams } = await import('../../generator/emit/emit-diagram.js')
const { inputHash } = await import('../../generator/input-fingerprint.js')
mark('import_generator_and_dsl')

// concurrently, as planGeneration loads them
const files = findProtocolFiles(root, 'protocols')
const loaded = await Promise.all(files.map((file) => loadProtocolFile(root, file)))
mark('import_protocol_files')

const model = buildProjectModel(loaded)
mark('build_model')
const emit = (file: (typeof model.files)[number]): string => {
  const out = outputPathFor(file.path, { protocolsDir: 'protocols', outDir: 'generated' })
  const runtimeImport = path.posix.relative(path.posix.dirname(out), runtime.slice(2)).replace(/\.ts$/, '.js')
  return emitProtocolModule(model, file, { runtimeImport, outDir: 'generated', protocolsDir: 'protocols' })
}
const [first, ...rest] = model.files
if (first) emit(first)
mark('emit_first_module')
for (const file of rest) emit(file)
mark('emit_other_modules')
for (const file of model.files) for (const family of file.families) emitDiagrams(family, file.path)
mark('emit_diagrams')
for (const file of model.files) inputHash(root, path.join(root, file.path))
mark('hash_inputs')
phases.total = performance.now()
process.stdout.write(`${JSON.stringify(phases)}\n`)
