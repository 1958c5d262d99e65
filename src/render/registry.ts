import type { FormSheet } from '../model/form-sheet.js';
import type { Typesetter } from '../typeset/typesetter.js';

export interface RenderContext {
  typeset: Typesetter;
  /** draw the sheet's annotations as the format can (the .xlsx: a note and a fill on each cell); the official copies leave them out */
  annotated?: boolean;
}

export type RenderFn = (sheet: FormSheet, context: RenderContext) => Promise<Uint8Array>;

/**
 * Every output a form gets, in this order: the key names it in the manifest (`outputs.xlsx`,
 * `outputs.sha256.pdf`), the extension names its file. A new format is one renderer file and one
 * line here. Renderers load on first use, so a command that renders nothing never loads a writer.
 */
export const registry = {
  xlsx: { extension: '.xlsx', load: async (): Promise<RenderFn> => (await import('./xlsx.js')).renderXlsx },
  pdf: { extension: '.pdf', load: async (): Promise<RenderFn> => (await import('./pdf.js')).renderPdf },
  html: { extension: '.html', load: async (): Promise<RenderFn> => (await import('./html.js')).renderHtml },
} satisfies Record<string, { extension: string; load: () => Promise<RenderFn> }>;

export type Format = keyof typeof registry;
export const formats = Object.keys(registry) as Format[];

const loaded = new Map<Format, RenderFn>();

export async function rendererFor(format: Format): Promise<RenderFn> {
  let fn = loaded.get(format);
  if (!fn) {
    fn = await registry[format].load();
    loaded.set(format, fn);
  }
  return fn;
}
