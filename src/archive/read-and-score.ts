import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { convertXls } from '../ingest/convert-xls.js';
import { ingestBuffer } from '../ingest/ingest-file.js';
import { finding } from '../model/messages.js';
import type { ManifestForm } from '../model/manifest.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { scoreForm } from '../score/score-form.js';
import { errorEntry, manifestEntry } from './manifest-entry.js';

export interface ProcessedForm {
  entry: ManifestForm;
  /** absent when nothing could be read */
  scored?: ScoredForm;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Ingest and score every form of one file. Never throws: what goes wrong becomes a finding. */
export async function readAndScore(path: string, source: string, profile: Profile, mode: ScoreMode): Promise<ProcessedForm[]> {
  const info = { source, sha256: '', profile: profile.name, mode };
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ entry: errorEntry(info, [finding('INGEST_FILE_UNREADABLE', { file: source }, { reason: `无法读取文件(${reason})` })]) }];
  }
  info.sha256 = sha256(buffer);
  if (/\.xls$/i.test(path) && buffer.length > 0) {
    const converted = await convertXls(path);
    if (!converted.ok) {
      const f = converted.reason === 'missing' ? finding('INGEST_XLS_UNSUPPORTED', { file: source }) : finding('INGEST_XLS_CONVERSION_FAILED', { file: source }, { detail: converted.detail });
      return [{ entry: errorEntry(info, [f]) }];
    }
    buffer = converted.buffer;
  }
  const result = await ingestBuffer(buffer, source);
  if (result.status === 'error') return [{ entry: errorEntry(info, result.findings) }];
  return result.forms.map((form) => {
    const scored = scoreForm(form.input, profile, mode);
    return { entry: manifestEntry(scored, info, [...result.findings, ...form.findings]), scored };
  });
}
