/** The run-time values of ts-morph the emitters use: structure kinds, the Project class and its settings. */
import { createRequire } from 'node:module'

// ts-morph is CommonJS: required rather than imported, since an ESM import first has Node scan its source
// for named exports, which costs a cold `colloquy generate` about 130 ms.
export const { IndentationText, Project, QuoteKind, StructureKind, TypeParameterVariance } = createRequire(import.meta.url)(
  'ts-morph',
) as typeof import('ts-morph')
