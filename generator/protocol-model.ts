/**
 * Groups the protocol values exported by protocols/ files into families (one name, several versions) and
 * derives everything the emitters need: IR, hash, state table, and where inlined sub-protocols live.
 */
import type { AnyProtocol } from '../runtime/protocol/index.js'
import { type ProtocolIR, type StateTable, buildStateTable, protocolHash, protocolIR } from '../runtime/protocol/ir/index.js'
import { GeneratorError } from './generator-error.js'
import { protocolExport } from './protocol-export.js'

export interface LoadedProtocolFile {
  /** Path relative to the project root, with forward slashes. */
  readonly path: string
  readonly exports: Readonly<Record<string, unknown>>
}

export interface VersionModel {
  readonly definition: AnyProtocol
  readonly exportName: string
  readonly ir: ProtocolIR
  readonly hash: string
  readonly table: StateTable
}

export interface FamilyModel {
  readonly name: string
  readonly file: string
  readonly initiator: string
  readonly responder: string
  /** Ascending by version. */
  readonly versions: readonly VersionModel[]
}

export interface FileModel {
  readonly path: string
  /** Sorted by name. */
  readonly families: readonly FamilyModel[]
}

export interface ProjectModel {
  readonly files: readonly FileModel[]
  /** Where each protocol value is exported from; inlines are resolved through it. */
  readonly owners: ReadonlyMap<AnyProtocol, { readonly file: string; readonly family: string; readonly version: number }>
}

export function buildProjectModel(loaded: readonly LoadedProtocolFile[]): ProjectModel {
  const owners = new Map<AnyProtocol, { file: string; family: string; version: number }>()
  const familyFile = new Map<string, string>()
  const files: FileModel[] = []

  for (const file of [...loaded].sort((a, b) => compare(a.path, b.path))) {
    const byName = new Map<string, VersionModel[]>()
    for (const exportName of Object.keys(file.exports).sort(compare)) {
      const value = protocolExport(file.path, file.exports, exportName)
      if (!value || owners.has(value)) continue
      const elsewhere = familyFile.get(value.name)
      if (elsewhere && elsewhere !== file.path) {
        throw new GeneratorError(
          `${value.name} v${value.version} is declared here but ${value.name} is already declared in ${elsewhere}; keep every version of a protocol in one file`,
          { file: file.path, at: value.at.location },
        )
      }
      familyFile.set(value.name, file.path)
      owners.set(value, { file: file.path, family: value.name, version: value.version })
      const versions = byName.get(value.name) ?? []
      const twin = versions.find((v) => v.definition.version === value.version)
      if (twin) {
        throw new GeneratorError(`${value.name} v${value.version} is exported twice (${twin.exportName} and ${exportName}); give each version its own number`, {
          file: file.path,
          at: value.at.location,
        })
      }
      versions.push(versionModel(value, exportName, file.path))
      byName.set(value.name, versions)
    }
    if (byName.size === 0) {
      throw new GeneratorError(
        'exports no protocol; export at least one value made by protocol(...)...end(), e.g. `export const DemoV1 = protocol(...)...end()`',
        { file: file.path },
      )
    }
    const families = [...byName.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([name, versions]): FamilyModel => {
        versions.sort((a, b) => a.definition.version - b.definition.version)
        const first = versions[0]!.definition
        for (const v of versions) {
          if (v.definition.initiator !== first.initiator || v.definition.responder !== first.responder) {
            throw new GeneratorError(
              `${name} v${v.definition.version} names its roles ${v.definition.initiator}/${v.definition.responder} but v${first.version} names them ${first.initiator}/${first.responder}; keep the role names across versions`,
              { file: file.path, at: v.definition.at.location },
            )
          }
        }
        return { name, file: file.path, initiator: first.initiator, responder: first.responder, versions }
      })
    files.push({ path: file.path, families })
  }

  const model: ProjectModel = { files, owners }
  for (const file of files) for (const family of file.families) for (const version of family.versions) checkInlines(model, version, file.path)
  return model
}

function versionModel(definition: AnyProtocol, exportName: string, file: string): VersionModel {
  try {
    return { definition, exportName, ir: protocolIR(definition), hash: protocolHash(definition), table: buildStateTable(definition) }
  } catch (error) {
    throw GeneratorError.from(error, file)
  }
}

function checkInlines(model: ProjectModel, version: VersionModel, file: string): void {
  const visit = (steps: AnyProtocol['steps']): void => {
    for (const step of steps) {
      if (step.op === 'inline' && !model.owners.has(step.protocol)) {
        throw new GeneratorError(
          `${version.definition.name} v${version.definition.version} inlines ${step.protocol.name} v${step.protocol.version}, which no protocols/ file exports; export it from a .protocol.ts file so its stubs are generated`,
          { file, at: step.at.location },
        )
      }
      if (step.op === 'choose' || step.op === 'offer') for (const body of step.branches.values()) visit(body)
      if (step.op === 'loop') visit(step.body)
    }
  }
  visit(version.definition.steps)
}

/** Sorting by UTF-16 code unit, independent of locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
