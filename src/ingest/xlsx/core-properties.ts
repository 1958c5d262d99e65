import type { PartStore } from './part-store.js';
import type { Relationship } from './relationships.js';
import { parseXml } from './xml-stream.js';

/** W3CDTF as core.xml writes it: a date, or a date and time with or without seconds and zone. */
const W3CDTF = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A core.xml date as an ISO instant (`2021-12-03T08:15:00.000Z`), or null when it is not one. A
 * time without a zone is read as UTC rather than as this machine's zone, so the same file gives
 * the same instant on every machine.
 */
export function w3cdtfInstant(text: string): string | null {
  const m = W3CDTF.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${zone}`);
  // Date.parse rolls 2021-02-30 over to March: a date that does not exist is no date.
  if (!Number.isFinite(ms) || new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() !== Number(d)) return null;
  return new Date(ms).toISOString();
}

/**
 * When the workbook was last saved, as the program that saved it recorded it (`dcterms:modified`
 * in docProps/core.xml): a property of the file's bytes, so it survives copying, mailing and
 * unzipping, unlike the file system's modification time. Null when the file records none or
 * records it unreadably; metadata never makes a workbook unreadable, so nothing here throws.
 */
export function workbookModified(parts: PartStore, packageRels: Map<string, Relationship>): string | null {
  const part = [...packageRels.values()].find((r) => r.kind === 'core-properties')?.target ?? 'docProps/core.xml';
  try {
    const data = parts.read(part);
    if (!data) return null;
    let inModified = false;
    let text = '';
    parseXml(parts.nameOf(part), data, {
      open(name) {
        inModified = name === 'modified';
      },
      close() {
        inModified = false;
      },
      text(t) {
        if (inModified) text += t;
      },
    });
    return w3cdtfInstant(text);
  } catch {
    return null;
  }
}
