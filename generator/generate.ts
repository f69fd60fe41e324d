/**
 * `colloquy generate`: load protocols, build the model, emit modules and diagrams, and write only what
 * changed, with the manifest `colloquy check` compares against.
 */
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { emitDiagrams } from './emit/emit-diagram.js'
import { emitProtocolModule, outputPathFor } from './emit/emit-protocol-module.js'
import { moduleSpecifier } from './emit/module-specifier.js'
import { GeneratorError } from './generator-error.js'
import { runIsolated } from './isolation/run-isolated.js'
import { type SourceCache, inputHash, sha256 } from './input-fingerprint.js'
import { type LoadOptions, findProtocolFiles, loadProtocolFiles } from './load-protocols.js'
import { type Manifest, type ManifestFileEntry, manifestName, readManifest } from './manifest.js'
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
}

/**
 * What `colloquy generate` calls: planGeneration in the loader child, where protocol files run apart from
 * the command line, with a time limit (isolation/run-isolated.ts).
 */
export async function planGenerationIsolated(layout: ProjectLayout): Promise<GenerationPlan> {
  const plan = await runIsolated<Omit<GenerationPlan, 'outputs'> & { readonly outputs: [string, string][] }>({ kind: 'plan', layout })
  return { ...plan, outputs: new Map(plan.outputs) }
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
  return { outputs, manifest, protocolFiles }
}

export interface WriteResult {
  readonly written: readonly string[]
  readonly unchanged: readonly string[]
  readonly removed: readonly string[]
}

/** Writes changed outputs and removes outputs the previous manifest listed that are no longer produced. */
export function writeGeneration(layout: ProjectLayout, plan: GenerationPlan): WriteResult {
  const previous = readManifest(path.join(layout.root, layout.outDir, manifestName))
  const previousOutputs = previous ? Object.values(previous.files).flatMap((f) => Object.keys(f.outputs)) : []
  // Only files this generator wrote inside the output folder are ever removed: a manifest that names
  // anything else was edited, and is refused before anything is written.
  const outside = previousOutputs.find((p) => !insideOutputFolder(layout, p))
  if (outside !== undefined) {
    throw new GeneratorError(
      `${layout.outDir}/${manifestName} lists ${JSON.stringify(outside)} as a generated file, but it is outside ${layout.outDir}/, so colloquy generate will not remove it. Restore the manifest from version control, or delete it, and run colloquy generate again.`,
      { file: `${layout.outDir}/${manifestName}` },
    )
  }
  const removed = previousOutputs.filter((p) => !plan.outputs.has(p))
  const written: string[] = []
  const unchanged: string[] = []
  for (const [outPath, content] of [...plan.outputs].sort(([a], [b]) => compare(a, b))) {
    const absolute = path.join(layout.root, outPath)
    let current: string | undefined
    try {
      current = readFileSync(absolute, 'utf8')
    } catch {
      current = undefined
    }
    if (current === content) {
      unchanged.push(outPath)
      continue
    }
    mkdirSync(path.dirname(absolute), { recursive: true })
    writeFileSync(absolute, content)
    written.push(outPath)
  }
  for (const p of removed) rmSync(path.join(layout.root, p), { force: true })
  return { written, unchanged, removed }
}

/** True when the project-relative `file` lies inside the output folder, also after following symbolic links. */
function insideOutputFolder(layout: ProjectLayout, file: string): boolean {
  const folder = path.resolve(layout.root, layout.outDir)
  const absolute = path.resolve(layout.root, file)
  if (!absolute.startsWith(folder + path.sep)) return false
  try {
    const [realDir, realFolder] = [realpathSync(path.dirname(absolute)), realpathSync(folder)]
    return realDir === realFolder || realDir.startsWith(realFolder + path.sep)
  } catch {
    return true // a folder that no longer exists holds nothing to remove
  }
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
