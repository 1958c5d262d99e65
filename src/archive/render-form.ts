import { layoutForm } from '../layout/layout-form.js';
import type { Finding } from '../model/finding.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
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

/** layout + both renderers for one scored form; `times` (ms) accumulates per stage when given. */
export async function renderForm(scored: ScoredForm, profile: Profile, times?: StageTimes): Promise<RenderedForm> {
  let t = performance.now();
  const sheet = layoutForm(scored, profile);
  const lap = (stage: keyof StageTimes): void => {
    const now = performance.now();
    if (times) times[stage] += now - t;
    t = now;
  };
  lap('layout');
  const xlsx = await renderXlsx(sheet);
  lap('xlsx');
  const pdf = await renderPdf(sheet, scored.input.source.file);
  lap('pdf');
  return { xlsx, pdf: pdf.buffer, pages: pdf.pages, findings: pdf.findings };
}
