import { basename } from 'node:path';
import { finding } from '../../src/model/messages.js';
import type { FormSheet } from '../../src/model/form-sheet.js';
import { processFile, renderScored, type Draw } from '../../src/pipeline/process.js';
import { loadProfile, profileChoice } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { typeset } from './pipeline.js';
import { syntheticForm } from './synthetic.js';

export interface DrawnView {
  name: string;
  sheet: FormSheet;
  html: Buffer;
  pdf: Buffer;
  annotated: Buffer | null;
}

const bytesOf = (files: Array<{ format: string; bytes: Uint8Array }>, format: string): Buffer => {
  const file = files.find((f) => f.format === format);
  if (!file) throw new Error(`no ${format} rendered`);
  return Buffer.from(file.bytes);
};

/** Every form of a file through the whole pipeline (its findings drawn as the build draws them), with its sheet. */
export async function drawnViews(path: string): Promise<DrawnView[]> {
  const views: DrawnView[] = [];
  const draw: Draw = async (scored, profile, findings) => {
    const r = await renderScored(scored, profile, typeset, findings);
    views.push({
      name: `${basename(path)}#${views.length + 1}`,
      sheet: r.sheet,
      html: bytesOf(r.files, 'html'),
      pdf: bytesOf(r.files, 'pdf'),
      annotated: r.annotated ? Buffer.from(r.annotated) : null,
    });
    return { files: r.files, annotated: r.annotated, findings: r.findings, layoutMs: r.layoutMs, pages: r.sheet.pages.length };
  };
  await processFile(path, basename(path), { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: draw });
  return views;
}

/**
 * A 96-line form over several pages, with a finding on every seventh line's score and reason cells
 * (and one without a cell): marks on every page, some in cells split by nothing but page breaks.
 */
export async function longFormView(): Promise<DrawnView> {
  const profile = loadProfile('ningxia');
  const generated = syntheticForm(96);
  // The generated form names no cells; give its lines the cells a 96-line sheet would have.
  const input = {
    ...generated,
    indicators: generated.indicators.map((l, i) => ({
      ...l,
      name: { ...l.name, cell: `Sheet1!D${14 + i}` },
      score: { ...l.score, cell: `Sheet1!H${14 + i}` },
      deviation: { ...l.deviation, cell: `Sheet1!I${14 + i}` },
    })),
  };
  const scored = scoreForm(input, profile, 'auto');
  const extra = input.indicators.flatMap((line, i) =>
    i % 7 === 0
      ? [
          finding('SCORE_OUT_OF_RANGE', { file: 'long.xlsx', cell: line.score.cell }, { name: line.name.text, filled: '9', weight: '1' }),
          finding('DEVIATION_REASON_MISSING', { file: 'long.xlsx', cell: line.deviation.cell }, { name: line.name.text, why: '实际完成值低于指标值' }),
        ]
      : [],
  );
  const r = await renderScored(scored, profile, typeset, [...scored.findings, ...extra, finding('INGEST_YEAR_MISSING', { file: 'long.xlsx' }, { text: '' })]);
  return { name: '96 lines', sheet: r.sheet, html: bytesOf(r.files, 'html'), pdf: bytesOf(r.files, 'pdf'), annotated: r.annotated ? Buffer.from(r.annotated) : null };
}
