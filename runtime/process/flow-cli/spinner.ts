/** A one-line spinner on standard error while something is awaited, at a terminal only (nothing otherwise). */
const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export async function withSpinner<T>(text: string, work: Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
  if (!stream.isTTY) return work
  let frame = 0
  const draw = () => stream.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${text}`)
  draw()
  const timer = setInterval(draw, 80)
  try {
    return await work
  } finally {
    clearInterval(timer)
    stream.write('\r\x1b[2K')
  }
}
