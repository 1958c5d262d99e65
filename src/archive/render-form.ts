import { layoutForm } from '../layout/layout-form.js';
import type { Finding } from '../model/finding.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { renderBoth } from '../render/render-both.js';
import type { RenderSheet } from '../render/render-lanes.js';

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
 * layout + both renderers for one scored form; `render` draws on this thread or a worker.
 * `times` (ms) accumulates per stage when given, measured where each stage ran.
 */
export async function renderForm(scored: ScoredForm, profile: Profile, render: RenderSheet = renderBoth, times?: StageTimes): Promise<RenderedForm> {
  const t = performance.now();
  const sheet = layoutForm(scored, profile);
  if (times) times.layout += performance.now() - t;
  const drawn = await render(sheet, scored.input.source.file);
  if (times) {
    times.xlsx += drawn.xlsxMs;
    times.pdf += drawn.pdf.ms;
  }
  return { xlsx: drawn.xlsx, pdf: drawn.pdf.buffer, pages: drawn.pdf.pages, findings: drawn.pdf.findings };
}
