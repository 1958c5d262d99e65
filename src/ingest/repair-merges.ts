import JSZip from 'jszip';

function parseRange(ref: string): [number, number, number, number] | null {
  const m = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/.exec(ref);
  if (!m) return null;
  const col = (s: string): number => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const c1 = col(m[1] ?? 'A');
  const r1 = Number(m[2]);
  return [r1, c1, Number(m[4] ?? r1), col(m[3] ?? m[1] ?? 'A')];
}

const overlaps = (a: number[], b: number[]): boolean => !((a[2] ?? 0) < (b[0] ?? 0) || (b[2] ?? 0) < (a[0] ?? 0) || (a[3] ?? 0) < (b[1] ?? 0) || (b[3] ?? 0) < (a[1] ?? 0));

/**
 * WPS and LibreOffice sometimes save merged ranges that overlap; Excel shows the first one and
 * exceljs refuses the file ("Cannot merge already merged cells"). This keeps the first of each
 * overlapping group, as Excel does, and returns the repaired workbook.
 */
export async function dropOverlappingMerges(buffer: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(buffer);
  const sheets = Object.keys(zip.files).filter((name) => /^xl\/worksheets\/[^/]+\.xml$/.test(name));
  for (const name of sheets) {
    const file = zip.file(name);
    if (!file) continue;
    const xml = await file.async('string');
    const kept: number[][] = [];
    let dropped = 0;
    const repaired = xml.replace(/<mergeCell\s+ref="([^"]+)"\s*\/>/g, (whole, ref: string) => {
      const range = parseRange(ref);
      if (!range || kept.some((k) => overlaps(k, range))) {
        dropped++;
        return '';
      }
      kept.push(range);
      return whole;
    });
    if (dropped > 0) zip.file(name, repaired.replace(/<mergeCells count="\d+"/, `<mergeCells count="${kept.length}"`));
  }
  return zip.generateAsync({ type: 'nodebuffer' });
}
