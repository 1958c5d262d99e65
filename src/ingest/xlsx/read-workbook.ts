import type { Grid } from '../grid.js';
import { workbookModified } from './core-properties.js';
import { LimitExceeded, Unreadable, type LimitHit } from './limits.js';
import { readCellFormats } from './number-formats.js';
import { PartStore } from './part-store.js';
import { readRelationships, resolveTarget } from './relationships.js';
import { readSharedStrings } from './shared-strings.js';
import { readSheetPart, type WorkbookContext } from './sheet-part.js';
import { readWorkbookPart, type SheetState } from './workbook-part.js';

export type { SheetState } from './workbook-part.js';

export interface SheetRead {
  name: string;
  state: SheetState;
  grid: Grid;
}

export type WorkbookRead =
  | {
      ok: true;
      sheets: SheetRead[];
      date1904: boolean;
      /** when the workbook was last saved (docProps/core.xml), ISO; null when it does not say */
      modified: string | null;
    }
  | { ok: false; limit: LimitHit }
  | { ok: false; unreadable: string };

/** Sheets listed in a workbook that hold no cells: charts, Excel 5 dialogs and macros. */
const notWorksheets = new Set(['chartsheet', 'dialogsheet', 'macrosheet', 'xlMacrosheet', 'xlIntlMacrosheet']);

/**
 * Reads an .xlsx held in memory: every worksheet the workbook lists, in tab order, as a Grid.
 * Only the parts that lead there are inflated (package and workbook relationships, the workbook,
 * shared strings, styles, the sheets), each through the same caps, found through the
 * relationships whatever they are called. Never throws for what the file contains: a file past a
 * limit or not a workbook comes back as such.
 */
export function readWorkbook(zip: Buffer): WorkbookRead {
  try {
    const parts = new PartStore(zip);
    const packageRels = readRelationships(parts, '');
    const workbookPart = [...packageRels.values()].find((r) => r.kind === 'officeDocument')?.target ?? 'xl/workbook.xml';
    const workbook = readWorkbookPart(parts, workbookPart);
    if (!workbook) throw new Unreadable(`压缩包中没有工作簿部件 ${workbookPart}，不是 Excel 工作簿`);
    const rels = readRelationships(parts, workbookPart);
    const targetOf = (kind: string, usual: string): string => [...rels.values()].find((r) => r.kind === kind)?.target ?? resolveTarget(workbookPart, usual);
    const ctx: WorkbookContext = {
      parts,
      sharedStrings: readSharedStrings(parts, targetOf('sharedStrings', 'sharedStrings.xml')),
      formats: readCellFormats(parts, targetOf('styles', 'styles.xml')),
      date1904: workbook.date1904,
      cellsKept: 0,
      sharedFormulaChars: 0,
    };
    const sheets: SheetRead[] = [];
    for (const sheet of workbook.sheets) {
      const rel = sheet.relId === undefined ? undefined : rels.get(sheet.relId);
      if (!rel || notWorksheets.has(rel.kind)) continue;
      const grid = readSheetPart(ctx, rel.target, sheet.name);
      if (grid) sheets.push({ name: sheet.name, state: sheet.state, grid });
    }
    // Read last: the sheets come first in the part budget, and metadata never fails a workbook.
    return { ok: true, sheets, date1904: workbook.date1904, modified: workbookModified(parts, packageRels) };
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, limit: error.hit };
    if (error instanceof Unreadable) return { ok: false, unreadable: error.message };
    throw error;
  }
}
