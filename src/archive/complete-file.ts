import { open } from 'node:fs/promises';

/**
 * Whether a spreadsheet has been written to the end: an .xlsx (zip) ends with its central
 * directory record, so a half-copied one lacks it. Old .xls files are judged by size stability
 * alone (the watcher waits for that).
 */
export async function looksComplete(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    if (!/\.xlsx$/i.test(path)) return true;
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (head.toString('latin1') !== 'PK') return true; // not a zip at all: let the reader say so
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
  } finally {
    await handle.close();
  }
}
