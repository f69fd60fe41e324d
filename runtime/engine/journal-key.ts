/**
 * Journal keys, built and parsed here only. Keys are `<scope>#<index>`: the flow's root scope is '', a
 * sub-flow or a session opened at index i of scope s gets scope `s/i`, and a responder's session scope is
 * '/r'. Each scope numbers its own actions, which is what lets concurrent sessions replay in whatever order
 * their messages arrive (see journal-entry.ts).
 */

/** The scope of the flow itself. */
export const ROOT_SCOPE = ''

/** The scope of the one session a responder flow answers. */
export const RESPONDER_SCOPE = '/r'

export function journalKey(scope: string, index: number): string {
  return `${scope}#${index}`
}

/** `<scope>#<index>` split; undefined when the key is not of that form. */
export function parseJournalKey(key: string): { readonly scope: string; readonly index: number } | undefined {
  const cut = key.lastIndexOf('#')
  const digits = key.slice(cut + 1)
  if (cut < 0 || !/^\d+$/.test(digits)) return undefined
  return { scope: key.slice(0, cut), index: Number(digits) }
}

/** The scope of a sub-flow or session opened by action `index` of `scope`. */
export function childScope(scope: string, index: number): string {
  return `${scope}/${index}`
}

/** The key of the action that opened `scope` (`s/i` was opened by `s#i`). */
export function openingKey(scope: string): string {
  const cut = scope.lastIndexOf('/')
  return journalKey(scope.slice(0, cut), Number(scope.slice(cut + 1)))
}

/** Whether `key` is an action of `scope` itself (not of a scope nested in it). */
export function isActionOf(key: string, scope: string): boolean {
  return parseJournalKey(key)?.scope === scope
}

/** Where an action is, for messages: `action 3 of the flow`. */
export interface JournalPosition {
  readonly key: string
  readonly index: number
  readonly where: string
}

/** Numbers the actions of one scope: the number is the journal key, so a replay finds each recorded result where the code asks for it again. */
export class JournalScope {
  private index = 0

  constructor(readonly scope: string) {}

  nextKey(): JournalPosition {
    const index = this.index++
    return { key: journalKey(this.scope, index), index, where: `action ${index + 1} of ${this.describeScope()}` }
  }

  describeScope(): string {
    return this.scope === ROOT_SCOPE ? 'the flow' : `scope ${this.scope}`
  }
}
