/**
 * The declared errors of a protocol family as types: per version, `XV1Errors` (what a handler of that
 * version may raise, with that version's details, as `X.v1.errors`), and the family-wide `X.errors`, in
 * which only an error every version declares with the same details can be raised; the others there can
 * only be recognised (`is`), since raising one is only right in the versions that declare it.
 */
import { DeclarationKind, type Statement } from './declarations.js'
import { canonicalJson } from '../../runtime/protocol/ir/index.js'
import type { FamilyModel, VersionModel } from '../protocol-model.js'
import { compare } from '../protocol-model.js'
import type { EmitOptions } from './emit-options.js'
import type { ImportSet } from './import-set.js'
import { errorDetailInput } from './message-types.js'
import { errorTypeName, messageInputTypeName, versionErrorsName } from './names.js'

/** `XV1Errors`, `XV2Errors`, …: one interface per version. */
export function versionErrorTypes(family: FamilyModel, imports: ImportSet, options: EmitOptions): Statement[] {
  return family.versions.map((version) => {
    const v = version.definition.version
    const names = Object.keys(version.ir.errors).sort(compare)
    if (names.length) imports.add(options.runtimeImport, ['DeclaredError'], false, true)
    if (names.some((e) => errorDetailInput(version, e))) imports.add(options.runtimeImport, ['DeclaredErrorWithInput'], false, true)
    return {
      kind: DeclarationKind.Interface,
      name: versionErrorsName(family.name, v),
      isExported: true,
      docs: [`The errors ${family.name} v${v} declares, with v${v}'s details: what a v${v} handler raises, as \`${family.name}.v${v}.errors\`.`],
      properties: names.map((e) => ({ name: e, isReadonly: true, type: declaredErrorType(family, version, e, errorTypeName(family.name, v, e)) })),
    }
  })
}

/** The type of `X.errors`: every declared error; `create` only where all versions agree on it. */
export function familyErrorsType(family: FamilyModel, imports: ImportSet, options: EmitOptions): string {
  const { name, versions } = family
  const errorNames = [...new Set(versions.flatMap((v) => Object.keys(v.ir.errors)))].sort(compare)
  if (!errorNames.length) return 'Record<string, never>'
  imports.add(options.runtimeImport, ['DeclaredError'], false, true)
  const lines = errorNames.map((e) => {
    const declaring = versions.filter((v) => e in v.ir.errors)
    const details = declaring.map((v) => errorTypeName(name, v.definition.version, e)).join(' | ')
    return sameInEveryVersion(versions, e)
      ? `    readonly ${e}: ${declaredErrorType(family, versions[0]!, e, details)}`
      : `    /** Declared differently across versions: raise it with \`${name}.vN.errors.${e}\` of the handler's version. */\n    readonly ${e}: Omit<DeclaredError<'${e}', ${details}>, 'create'>`
  })
  return `{\n${lines.join('\n')}\n  }`
}

/** `DeclaredError<'E', Details>`, or `DeclaredErrorWithInput<'E', Details, Input>` where raising `e` takes the schema's input side. */
function declaredErrorType(family: FamilyModel, version: VersionModel, e: string, details: string): string {
  if (!errorDetailInput(version, e)) return `DeclaredError<'${e}', ${details}>`
  return `DeclaredErrorWithInput<'${e}', ${details}, ${messageInputTypeName(errorTypeName(family.name, version.definition.version, e))}>`
}

function sameInEveryVersion(versions: readonly VersionModel[], error: string): boolean {
  const schemas = versions.map((v) => (error in v.ir.errors ? canonicalJson(v.ir.errors[error]) : undefined))
  return schemas.every((s) => s !== undefined && s === schemas[0])
}
