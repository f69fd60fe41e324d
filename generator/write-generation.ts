/**
 * The write half of `colloquy generate`: writes the outputs whose content changed and removes the outputs
 * the previous manifest listed that are no longer produced, only ever inside the output folder. It loads
 * no emitter, so the command line stays light while the loader child plans.
 */
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { GenerationPlan, ProjectLayout } from './generate.js'
import { GeneratorError } from './generator-error.js'
import { manifestName, readManifest } from './manifest.js'

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
  for (const [outPath, content] of [...plan.outputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
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
