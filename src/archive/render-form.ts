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

/** layout + both renderers for one scored form. */
export async function renderForm(scored: ScoredForm, profile: Profile): Promise<RenderedForm> {
  const sheet = layoutForm(scored, profile);
  const xlsx = await renderXlsx(sheet);
  const pdf = await renderPdf(sheet, scored.input.source.file);
  return { xlsx, pdf: pdf.buffer, pages: pdf.pages, findings: pdf.findings };
}
