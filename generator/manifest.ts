/**
 * generated/colloquy-manifest.json: for each protocol file, the hash of its inputs and of every output
 * written from it, plus the generator's fingerprint. `colloquy check` compares hashes only.
 */
import { readFileSync } from 'node:fs'

export interface Manifest {
  readonly generator: string
  readonly files: Readonly<Record<string, { readonly input: string; readonly outputs: Readonly<Record<string, string>> }>>
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
