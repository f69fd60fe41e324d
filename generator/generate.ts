/**
 * `colloquy generate`: load protocols, build the model, emit modules and diagrams, with the manifest
 * `colloquy check` compares against (write-generation.ts writes only what changed).
 */
import path from 'node:path'
import { emitDiagrams } from './emit/emit-diagram.js'
import { emitProtocolModule, outputPathFor } from './emit/emit-protocol-module.js'
import { moduleSpecifier } from './emit/module-specifier.js'
import { GeneratorError } from './generator-error.js'
import { type SourceCache, inputHash, sha256 } from './input-fingerprint.js'
import { type LoadOptions, findProtocolFiles, loadProtocolFiles } from './load-protocols.js'
import { longHandlerNotes } from './long-handler-notes.js'
import { type Manifest, type ManifestFileEntry, manifestName } from './manifest.js'
import { type FileModel, buildProjectModel, compare } from './protocol-model.js'

export interface ProjectLayout {
  readonly root: string
  readonly protocolsDir: string
  readonly outDir: string
  /** A bare package specifier (`colloquy/protocol`) or a project-relative path (`./runtime/protocol/index.ts`). */
  readonly runtime: string
  readonly generatorFingerprint: string
}

export interface GenerationPlan {
  /** Project-relative output path -> content. */
  readonly outputs: ReadonlyMap<string, string>
  readonly manifest: Manifest
  readonly protocolFiles: readonly string[]
  /** Advice about the protocols, printed as `note:` lines (long-handler-notes.ts). */
  readonly notes: readonly string[]
}

/** Runs the protocol files in this process: the loader child calls it. */
export async function planGeneration(layout: ProjectLayout, options: LoadOptions = {}): Promise<GenerationPlan> {
  const protocolFiles = findProtocolFiles(layout.root, layout.protocolsDir)
  if (protocolFiles.length === 0) {
    throw new GeneratorError(`no protocol files found; add one such as ${layout.protocolsDir}/demo.protocol.ts (see README: Writing a protocol)`, {
      file: layout.protocolsDir,
    })
  }
  const model = buildProjectModel(await loadProtocolFiles(layout.root, protocolFiles, options))

  const outputs = new Map<string, string>()
  const files: Record<string, ManifestFileEntry> = {}
  const sources: SourceCache = new Map()
  for (const file of model.files) {
    const modulePath = outputPathFor(file.path, layout)
    const runtimeImport = layout.runtime.startsWith('./') ? moduleSpecifier(modulePath, layout.runtime.slice(2)) : layout.runtime
    const produced: Record<string, string> = {}
    const put = (outPath: string, content: string): void => {
      outputs.set(outPath, content)
      produced[outPath] = sha256(content)
    }
    try {
      put(modulePath, emitProtocolModule(model, file, { runtimeImport, outDir: layout.outDir, protocolsDir: layout.protocolsDir }))
    } catch (error) {
      throw GeneratorError.from(error, file.path)
    }
    for (const family of file.families) put(`${path.posix.dirname(modulePath)}/${kebab(family.name)}.md`, emitDiagrams(family, file.path))
    files[file.path] = {
      input: inputHash(layout.root, path.join(layout.root, file.path), sources),
      outputs: sortedRecord(produced),
      versions: versionHashes(file),
    }
  }
  const manifest: Manifest = { generator: layout.generatorFingerprint, files: sortedRecord(files) }
  outputs.set(`${layout.outDir}/${manifestName}`, `${JSON.stringify(manifest, null, 2)}\n`)
  return { outputs, manifest, protocolFiles, notes: longHandlerNotes(model) }
}

/** Name -> version -> definition hash, what the lockfile's fast comparison reads. */
function versionHashes(file: FileModel): Record<string, Record<string, string>> {
  return Object.fromEntries(
    file.families.map((family) => [family.name, Object.fromEntries(family.versions.map((v) => [String(v.definition.version), v.hash]))]),
  )
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)))
}
