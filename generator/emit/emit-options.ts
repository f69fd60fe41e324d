/** Where `colloquy generate` writes and what the generated modules import: the options every emitter shares. */
export interface EmitOptions {
  /** Module specifier the generated code imports the runtime from. */
  readonly runtimeImport: string
  /** Project-relative path of the output folder, e.g. `generated`. */
  readonly outDir: string
  /** Project-relative path of the protocols folder, e.g. `protocols`: output paths are relative to it. */
  readonly protocolsDir: string
}
