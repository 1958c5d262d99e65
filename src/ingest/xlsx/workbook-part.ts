import { LimitExceeded, limits } from './limits.js';
import type { PartStore } from './part-store.js';
import { attr, parseXml } from './xml-stream.js';

export type SheetState = 'visible' | 'hidden' | 'veryHidden';

export interface SheetEntry {
  name: string;
  state: SheetState;
  relId: string | undefined;
}

export interface WorkbookPart {
  sheets: SheetEntry[];
  date1904: boolean;
}

const flag = (value: string | undefined): boolean => value === '1' || value === 'true';

/** The sheets in tab order, and whether serial dates count from 1904. */
export function readWorkbookPart(parts: PartStore, part: string): WorkbookPart | null {
  const data = parts.read(part);
  if (!data) return null;
  const result: WorkbookPart = { sheets: [], date1904: false };
  let depth = 0;
  let sheetsDepth = -1;
  parseXml(parts.nameOf(part), data, {
    open(name, attributes) {
      depth++;
      if (name === 'workbookPr') result.date1904 = flag(attr(attributes, 'date1904'));
      else if (name === 'sheets' && sheetsDepth < 0) sheetsDepth = depth;
      else if (name === 'sheet' && depth === sheetsDepth + 1) {
        if (result.sheets.length === limits.sheets) throw new LimitExceeded({ limit: 'sheets', part: parts.nameOf(part), found: `${limits.sheets + 1} 个以上` });
        const state = attr(attributes, 'state');
        result.sheets.push({ name: attr(attributes, 'name') ?? '', state: state === 'hidden' || state === 'veryHidden' ? state : 'visible', relId: attr(attributes, 'id') });
      }
    },
    close(name) {
      if (name === 'sheets' && depth === sheetsDepth) sheetsDepth = -2;
      depth--;
    },
    text() {},
  });
  return result;
}
