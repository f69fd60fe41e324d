/**
 * generated/colloquy-manifest.json: for each protocol file, the hash of its inputs and of every output
 * written from it, the definition hash of each protocol version it declares, plus the generator's
 * fingerprint. `colloquy check` compares hashes only.
 */
import { readFileSync } from 'node:fs'

export interface Manifest {
  readonly generator: string
  readonly files: Readonly<Record<string, ManifestFileEntry>>
}

export interface ManifestFileEntry {
  readonly input: string
  readonly outputs: Readonly<Record<string, string>>
  /**
   * Definition hash of every protocol version the file declares (name -> version -> hash), so `colloquy
   * check` can compare the lockfile with the tree without loading a protocol while the manifest is current.
   */
  readonly versions?: Readonly<Record<string, Readonly<Record<string, string>>>>
}

export const manifestName = 'colloquy-manifest.json'

export function readManifest(absolutePath: string): Manifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(absolutePath, 'utf8')) as Manifest
    return typeof parsed.generator === 'string' && typeof parsed.files === 'object' ? parsed : undefined
  } catch {
    return undefined
  }
}
