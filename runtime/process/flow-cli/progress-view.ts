/** Placeholder replaced below. */
import type { ProgressUpdate } from '../../engine/index.js'
import type { Output } from './flow-output.js'
import { valueText } from './flow-output.js'

export class ProgressView {
  constructor(private readonly out: Output) {}
  show(update: ProgressUpdate): void {
    this.out.print(valueText(update), update)
  }
  end(): void {}
}
