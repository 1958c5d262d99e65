import type { Finding } from '../model/finding.js';
import type { FormSheet } from '../model/form-sheet.js';
import { finding } from '../model/messages.js';
import type { Typesetter } from '../typeset/typesetter.js';

/** Characters the embedded face cannot draw, reported once per cell with the cell they came from. */
export function glyphFindings(sheet: FormSheet, typeset: Typesetter, file: string): Finding[] {
  const out: Finding[] = [];
  for (const cell of sheet.cells) {
    const missing = new Set<string>();
    for (const ch of cell.text) if (!/\s/.test(ch) && !typeset.hasGlyph(cell.style.font, cell.style.bold, ch)) missing.add(ch);
    if (missing.size === 0) continue;
    const chars = [...missing].map((c) => `“${c}”(U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`).join('、');
    out.push(finding('RENDER_GLYPH_MISSING', { file, cell: cell.source }, { chars }));
  }
  return out;
}
