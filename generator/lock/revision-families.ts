/**
 * The protocol versions declared at a git revision, loaded from its materialised tree. A protocol that
 * fails to load there is reported at its project-relative path and names the revision, so the message
 * does not point into a temporary folder that is already gone.
 */
import path from 'node:path'
import { GeneratorError } from '../generator-error.js'
import { type DeclaredFamily, loadDeclaredFamilies } from './declared-versions.js'

export async function loadRevisionFamilies(revisionRoot: string, projectRoot: string, protocolsDir: string, ref: string): Promise<DeclaredFamily[]> {
  try {
    return await loadDeclaredFamilies(revisionRoot, protocolsDir)
  } catch (error) {
    if (!(error instanceof GeneratorError)) throw error
    const at = error.place.at
    const moved =
      at && !path.relative(revisionRoot, at.file).startsWith('..') ? { ...at, file: path.join(projectRoot, path.relative(revisionRoot, at.file)) } : at
    throw new GeneratorError(`at ${ref}: ${error.message}`, { file: error.place.file, at: moved ?? null })
  }
}
