// Reading a file a user or a checkout names, whole and bounded: a FIFO, a device or a huge file
// must not hang or exhaust the run.
import fs from 'node:fs'
import { MiB } from '../limits.js'

/**
 * Reads a whole file of at most `maxBytes`; a larger one is refused, not truncated. A FIFO or
 * device is refused before it is opened (reading it could block forever).
 */
export function readLimited(file: string, maxBytes: number): Buffer {
  assertRegularFile(file)
  const fd = fs.openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, fs.fstatSync(fd).size + 1))
    let length = 0
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null)
      if (n === 0) break
      length += n
    }
    if (length > maxBytes) throw new Error(`${file} is larger than ${sizeText(maxBytes)}`)
    if (length === buffer.length) throw new Error(`${file} changed while it was read`)
    return buffer.subarray(0, length)
  } finally {
    fs.closeSync(fd)
  }
}

/** Decodes UTF-8 strictly: a file in another encoding is an error, not mojibake. */
export function utf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new Error(`${file} is not UTF-8 text`)
  }
}

/** Throws unless `file` is a regular file; a missing one fails with its own reason (ENOENT). */
export function assertRegularFile(file: string): void {
  if (!fs.statSync(file).isFile()) throw new Error(`${file} is not a regular file`)
}

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

const sizeText = (bytes: number): string =>
  bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`
