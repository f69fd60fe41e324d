/**
 * A payload received from a counterparty. It already matched the protocol's schema, but its content is
 * the peer's word: `unwrap` makes the business check explicit at the point of use.
 */
export class Untrustworthy<T> {
  readonly #value: T

  constructor(value: T) {
    this.#value = value
  }

  /** Checks (or just reads) the value; whatever `validate` returns is what the flow trusts. */
  unwrap<R>(validate: (value: T) => R): R {
    return validate(this.#value)
  }
}
