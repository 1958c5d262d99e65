import { layoutForm } from '../layout/layout-form.js';
import type { Finding } from '../model/finding.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import type { RenderPdf } from '../render/pdf-lanes.js';
import { renderPdf } from '../render/render-pdf.js';
import { renderXlsx } from '../render/render-xlsx.js';

export interface RenderedForm {
  xlsx: Buffer;
  pdf: Buffer;
  pages: number;
  findings: Finding[];
}

export interface StageTimes {
  layout: number;
  xlsx: number;
  pdf: number;
}

/**
 * layout + both renderers for one scored form; the PDF is drawn by `pdf` (this thread or a worker).
 * `times` (ms) accumulates per stage when given; the PDF's is the wait for it.
 */
export async function renderForm(scored: ScoredForm, profile: Profile, pdf: RenderPdf = renderPdf, times?: StageTimes): Promise<RenderedForm> {
  let t = performance.now();
  const sheet = layoutForm(scored, profile);
  const lap = (stage: keyof StageTimes): void => {
    const now = performance.now();
    if (times) times[stage] += now - t;
    t = now;
  };
  lap('layout');
  // The PDF is started first: on a worker it is drawn while this thread writes the .xlsx.
  const pending = pdf(sheet, scored.input.source.file);
  const xlsx = await renderXlsx(sheet);
  lap('xlsx');
  const drawn = await pending;
  if (times) times.pdf += drawn.ms;
  t = performance.now();
  return { xlsx, pdf: drawn.buffer, pages: drawn.pages, findings: drawn.findings };
}
