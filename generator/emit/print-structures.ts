/** Turns a module given as ts-morph structures into its text, with the formatting generated code uses. */
import type { Project, StatementStructures } from 'ts-morph'
import { IndentationText, QuoteKind, Project as ProjectClass } from './ts-morph-runtime.js'

let sharedProject: Project | undefined

function project(): Project {
  sharedProject ??= new ProjectClass({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  })
  return sharedProject
}

/** The part of ts-morph's internals `Project.createSourceFile` uses to turn structures into text. */
interface StructurePrinting {
  readonly _context?: {
    readonly structurePrinterFactory?: { forSourceFile(options: { isAmbient: boolean }): { printText(writer: unknown, structure: unknown): void } }
  }
}

/**
 * The text of a module given as structures. `createSourceFile` prints the structures and then parses the
 * text into a syntax tree this generator never reads: the parse was 40% of emitting, about 500 ms of a
 * cold generate over 100 protocols. So the printer it uses is called directly (same text, byte for byte);
 * should a ts-morph release move that internal, the public path below takes over.
 */
export function printStructures(outPath: string, structure: { readonly statements: (string | StatementStructures)[] }): string {
  const printers = (project() as unknown as StructurePrinting)._context?.structurePrinterFactory
  if (printers) {
    const writer = project().createWriter()
    printers.forSourceFile({ isAmbient: false }).printText(writer, structure)
    return writer.toString()
  }
  const sourceFile = project().createSourceFile(`/${outPath}`, structure, { overwrite: true })
  const text = sourceFile.getFullText()
  project().removeSourceFile(sourceFile)
  return text
}
