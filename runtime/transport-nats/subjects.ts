/**
 * Where messages live on the broker. One stream per network holds every subject `<prefix>.to.<party>`;
 * a party's envelopes and the acknowledgements of what it sent both go to its own subject, which its
 * durable consumer (named `colloquy-<party>`) reads.
 *
 * Party names may hold spaces, dots and letters of any script, which a subject token may not: everything
 * but ASCII letters, digits, '-' and '_' is written as `%` and the hex of its UTF-8 bytes. Party names hold
 * no '%', so two names never share a token.
 */

/** The party's name as one subject token (and consumer name part). */
export function partyToken(party: string): string {
  let token = ''
  for (const char of party) {
    if (/^[A-Za-z0-9_-]$/.test(char)) token += char
    else for (const byte of Buffer.from(char, 'utf8')) token += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return token
}

/** The subject a party reads: envelopes for it and acknowledgements of the envelopes it sent. */
export const partySubject = (prefix: string, party: string): string => `${prefix}.to.${partyToken(party)}`

/** The subjects the network's stream holds. */
export const streamSubjects = (prefix: string): string[] => [`${prefix}.to.>`]

/** The durable consumer of a party. */
export const consumerName = (party: string): string => `colloquy-${partyToken(party)}`
