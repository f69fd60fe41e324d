import path from 'node:path'

/** The relative ESM specifier (`./x.js`, `../y/z.js`) by which project file `fromFile` imports `toFile`. */
export function moduleSpecifier(fromFile: string, toFile: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/\.ts$/, '.js')
  return rel.startsWith('.') ? rel : `./${rel}`
}
