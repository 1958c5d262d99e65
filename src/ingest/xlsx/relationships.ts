import type { PartStore } from './part-store.js';
import { attr, parseXml } from './xml-stream.js';

export interface Relationship {
  /** the target part's name, resolved against the source part (no leading slash) */
  target: string;
  /** the relationship type's last segment: `worksheet`, `sharedStrings`, `officeDocument` … */
  kind: string;
}

/** `xl/_rels/workbook.xml.rels` for `xl/workbook.xml`; `_rels/.rels` for the package itself (''). */
export function relsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/**
 * A target as OPC resolves it: absolute (`/xl/worksheets/sheet1.xml`) from the package root,
 * otherwise relative to the folder of the source part, with `.` and `..` segments applied.
 */
export function resolveTarget(sourcePart: string, target: string): string {
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    // Not percent-encoded after all; the name is used as written.
  }
  const base = decoded.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') base.pop();
    else base.push(segment);
  }
  return base.join('/');
}

/** The relationships of `sourcePart` by id; external targets (hyperlinks, linked files) are left out. */
export function readRelationships(parts: PartStore, sourcePart: string): Map<string, Relationship> {
  const relsPart = relsPartOf(sourcePart);
  const rels = new Map<string, Relationship>();
  const data = parts.read(relsPart);
  if (!data) return rels;
  parseXml(parts.nameOf(relsPart), data, {
    open(name, attributes) {
      if (name !== 'Relationship') return;
      const id = attr(attributes, 'Id');
      const target = attr(attributes, 'Target');
      if (id === undefined || target === undefined || attr(attributes, 'TargetMode') === 'External') return;
      const type = attr(attributes, 'Type') ?? '';
      if (!rels.has(id)) rels.set(id, { target: resolveTarget(sourcePart, target), kind: type.slice(type.lastIndexOf('/') + 1) });
    },
    close() {},
    text() {},
  });
  return rels;
}
