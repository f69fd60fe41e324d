/**
 * The declarations a generated module is made of, as data: imports, interfaces and type aliases (the
 * emitters build them, print-declarations.ts turns them into text). Their fields are named as ts-morph
 * names the same parts of its structures, whose printing print-declarations.ts reproduces byte for byte
 * (test/generator/print-declarations.test.ts compares the two).
 */

/** The kinds of declaration, as the `kind` field of each. */
export const DeclarationKind = { Import: 'import', Interface: 'interface', TypeAlias: 'type-alias' } as const

export interface TypeParameter {
  readonly name: string
  readonly constraint?: string
  readonly default?: string
  /** `in` (contravariant) or `out` (covariant), declared rather than measured by the compiler. */
  readonly variance?: 'in' | 'out'
}

export interface PropertySignature {
  readonly name: string
  readonly type: string
  readonly isReadonly?: boolean
  readonly docs?: readonly string[]
}

export interface Parameter {
  readonly name: string
  readonly type: string
  readonly isRestParameter?: boolean
}

export interface MethodSignature {
  readonly name: string
  readonly typeParameters?: readonly (string | TypeParameter)[]
  readonly parameters?: readonly Parameter[]
  readonly returnType?: string
  readonly docs?: readonly string[]
}

export interface InterfaceDeclaration {
  readonly kind: typeof DeclarationKind.Interface
  readonly name: string
  readonly isExported?: boolean
  readonly typeParameters?: readonly (string | TypeParameter)[]
  readonly extends?: readonly string[]
  /** JSDoc blocks; a block's lines are separated by `\n`. */
  readonly docs?: readonly string[]
  readonly properties?: readonly PropertySignature[]
  readonly methods?: readonly MethodSignature[]
}

export interface TypeAliasDeclaration {
  readonly kind: typeof DeclarationKind.TypeAlias
  readonly name: string
  readonly isExported?: boolean
  readonly typeParameters?: readonly (string | TypeParameter)[]
  readonly docs?: readonly string[]
  readonly type: string
}

export interface ImportSpecifier {
  readonly name: string
  readonly alias?: string
  readonly isTypeOnly?: boolean
}

export interface ImportDeclaration {
  readonly kind: typeof DeclarationKind.Import
  readonly moduleSpecifier: string
  readonly namedImports: readonly ImportSpecifier[]
}

export type Declaration = ImportDeclaration | InterfaceDeclaration | TypeAliasDeclaration

/** A statement of a generated module: a declaration, or text printed as it is. */
export type Statement = string | Declaration
