/** Where the module generated for a protocol file goes, relative to the project. */
import path from 'node:path'

/**
 * Project-relative output path of the module generated for a protocol file: its path inside the protocols
 * folder, under the output folder (`--protocols a/b --out c` writes `a/b/x.protocol.ts` to `c/x.ts`).
 */
export function outputPathFor(protocolFile: string, folders: { readonly protocolsDir: string; readonly outDir: string }): string {
  const inside = path.posix.relative(path.posix.normalize(folders.protocolsDir), protocolFile)
  const name = inside.startsWith('../') ? protocolFile : inside
  return path.posix.join(folders.outDir, name.replace(/\.protocol\.ts$/, '.ts'))
}
