import { posix } from 'node:path';
import { z } from 'zod';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { formFiles, Manifest, ManifestForm, MANIFEST_SCHEMA, outputFiles, YearReport } from '../model/manifest.js';
import { generator } from '../version.js';
import { canonicalJson, sha256Hex, type ArchiveFs } from './archive-fs.js';
import { isInside } from './safe-name.js';

export const MANIFEST_FILE = 'manifest.json';
/**
 * One small record per form with outputs, beside the manifest: the form's manifest entry, named
 * by the sha256 of its JSON. If manifest.json is lost or damaged, the records say which files on
 * disk are which forms of which sources, so they are registered again instead of orphaned.
 */
export const RECORDS_DIR = '.ziping/forms';

const toText = (value: unknown): string => JSON.stringify(value, null, 2);

/**
 * The manifest as written: JSON with two-space indent, its `checksum` last, taken over the same
 * text without it. Reading back parses, drops `checksum`, prints again and compares: JSON.parse
 * keeps the key order and numbers print the same, so any change to the text shows.
 */
export function manifestText(manifest: Manifest): { text: string; manifest: Manifest } {
  const { checksum: _old, ...body } = manifest;
  const bodyText = toText(body);
  const checksum = `sha256:${sha256Hex(bodyText)}`;
  // The sealed manifest printed: the body's text with the checksum as its last key (printed once, not twice).
  const text = `${bodyText.slice(0, -2)},\n  "checksum": ${JSON.stringify(checksum)}\n}\n`;
  return { text, manifest: { ...body, checksum } };
}

/** The manifest, or why its content cannot be trusted. */
function sanity(raw: unknown): Manifest | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '不是 JSON 对象';
  const { checksum, ...body } = raw as Record<string, unknown>;
  if (checksum !== undefined && checksum !== `sha256:${sha256Hex(toText(body))}`) return '校验和不符，文件被改动或只写了一部分';
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `内容不符合清单格式(${issue ? `${issue.path.join('.') || '整体'}：${issue.message}` : '未知'})`;
  }
  const seen = new Set<string>();
  for (const form of parsed.data.forms) {
    for (const o of formFiles(form)) {
      // Outputs are relative, inside out/, and never the archive's own dot names: anything else was
      // not written by this tool. (Older versions did write names like `.._x`: those are accepted.)
      if (o.path.startsWith('/') || /^[A-Za-z]:/.test(o.path) || o.path.split('/').some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.ziping')) || !isInside('/out', o.path))
        return `记录的输出路径“${o.path}”不合理`;
      if (!/^[0-9a-f]{64}$/.test(o.sha256)) return `输出“${o.path}”的 sha256 记录不合理`;
      const key = o.path.toLowerCase();
      if (seen.has(key)) return `输出“${o.path}”被记录了两次`;
      seen.add(key);
    }
  }
  return parsed.data;
}

function stamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

export interface PreviousState {
  /** the manifest to build on: as read, or rebuilt from the records; null when there is none */
  manifest: Manifest | null;
  /** set when manifest.json was damaged and moved aside */
  damaged: { why: string; aside: string } | null;
  /** size of the manifest read, bytes (0 when there was none): what the next one will take, roughly */
  bytes: number;
  messages: RunMessage[];
}

/**
 * The manifest of the last build, verified: it must parse, match its schema and its checksum, and
 * record only sane output paths. A damaged one is renamed `manifest.json.damaged-<time>` (kept for
 * whoever wants to look) and the manifest is rebuilt from the records whose outputs are still on
 * disk with the recorded sha256.
 */
export async function loadPrevious(fs: ArchiveFs): Promise<PreviousState> {
  const kind = await fs.kind(MANIFEST_FILE);
  if (kind === 'missing') return { manifest: null, damaged: null, messages: [], bytes: 0 };
  let why: string | null;
  let manifest: Manifest | null = null;
  let bytes = 0;
  if (kind !== 'file') {
    why = '不是普通文件';
  } else {
    const text = (await fs.readText(MANIFEST_FILE)) ?? '';
    bytes = Buffer.byteLength(text);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
      const checked = sanity(raw);
      if (typeof checked === 'string') why = checked;
      else [why, manifest] = [null, checked];
    } catch {
      why = text.trim() === '' ? '文件是空的' : '不是完整的 JSON，可能写入时被中断或被截断';
    }
  }
  if (why === null) return { manifest, damaged: null, messages: [], bytes };

  let aside = `${MANIFEST_FILE}.damaged-${stamp(new Date())}`;
  for (let i = 2; (await fs.kind(aside)) !== 'missing'; i++) aside = `${MANIFEST_FILE}.damaged-${stamp(new Date())}-${i}`;
  await fs.move(MANIFEST_FILE, aside);
  const messages: RunMessage[] = [runMessage('MANIFEST_DAMAGED', { path: fs.shown(MANIFEST_FILE), why, aside: fs.shown(aside) })];
  const recovered = await recoverFromRecords(fs);
  if (recovered.length > 0) messages.push(runMessage('MANIFEST_RECOVERED', { count: String(recovered.length), records: fs.shown(RECORDS_DIR) }));
  const years = recovered.length > 0 ? await readYearsRecord(fs) : [];
  const rebuilt: Manifest | null = recovered.length > 0 ? { schema: MANIFEST_SCHEMA, generator, forms: recovered, ...(years.length > 0 ? { yearReports: years } : {}) } : null;
  return { manifest: rebuilt, damaged: { why, aside }, messages, bytes };
}

/**
 * The year files the archive wrote (index pages, 汇总表, reports, combined PDFs, review sheets), as
 * the last manifest recorded them, beside the forms' records: a manifest rebuilt from the records
 * still knows them as the archive's, and goes on updating them, instead of keeping each as someone's
 * own file (OUTPUT_UNCLAIMED_KEPT) with its old numbers.
 */
export const YEARS_RECORD = '.ziping/years.json';
const YearsRecord = z.object({ record: z.literal(1), yearReports: z.array(YearReport) });

async function readYearsRecord(fs: ArchiveFs): Promise<YearReport[]> {
  const text = await fs.readText(YEARS_RECORD).catch(() => null);
  if (text === null) return [];
  try {
    const parsed = YearsRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.yearReports : [];
  } catch {
    return [];
  }
}

/** Brings the years' record in line with the manifest just written (written only when it changed). */
export async function writeYearsRecord(fs: ArchiveFs, yearReports: YearReport[]): Promise<void> {
  const text = `${JSON.stringify({ record: 1, yearReports })}\n`;
  if ((await fs.readText(YEARS_RECORD).catch(() => null)) !== text) await fs.write(YEARS_RECORD, text);
}

const FormRecord = z.object({ record: z.literal(1), writtenAt: z.string(), form: ManifestForm });

const recordHash = (form: unknown): string => sha256Hex(canonicalJson(form)).slice(0, 40);

/**
 * The digest of each form of one build (its record's name), worked out once: the records and the
 * year pages' digests both need it, and over 1,000 forms it is most of a rerun's work. Made for
 * one build's list of forms, which nothing changes after it is made.
 */
export function formDigests(): (form: ManifestForm) => string {
  const known = new Map<ManifestForm, string>();
  return (form) => {
    let digest = known.get(form);
    if (digest === undefined) known.set(form, (digest = recordHash(form)));
    return digest;
  };
}

/** A record's file name: the sha256 of the form's (canonical) JSON, so a record is its own checksum. */
export const recordName = (form: ManifestForm, digestOf: (form: ManifestForm) => string = recordHash): string => `${digestOf(form)}.json`;

/** Forms recorded in RECORDS_DIR whose every output is on disk with the recorded sha256; one per output path. */
async function recoverFromRecords(fs: ArchiveFs): Promise<ManifestForm[]> {
  const { files } = await fs.walk(RECORDS_DIR);
  const found: Array<{ form: ManifestForm; writtenAt: string }> = [];
  for (const rel of files) {
    if (!rel.endsWith('.json')) continue;
    const text = await fs.readText(rel).catch(() => null);
    if (text === null) continue;
    try {
      const raw = JSON.parse(text) as { form?: unknown };
      const parsed = FormRecord.safeParse(raw);
      if (!parsed.success || recordHash(raw.form) !== posix.basename(rel, '.json')) continue;
      const outputs = formFiles(parsed.data.form);
      if (outputFiles(parsed.data.form.outputs).length === 0) continue;
      let intact = true;
      for (const o of outputs) if ((await fs.hash(o.path).catch(() => null)) !== o.sha256) intact = false;
      if (intact) found.push(parsed.data);
    } catch {
      // A damaged record is skipped; its outputs stay on disk, unclaimed, never deleted.
    }
  }
  // Newest first, so of two records claiming the same file (a rebuild whose run was cut short) the later wins.
  found.sort((a, b) => (a.writtenAt < b.writtenAt ? 1 : a.writtenAt > b.writtenAt ? -1 : 0));
  const claimed = new Set<string>();
  const forms: ManifestForm[] = [];
  for (const { form } of found) {
    const paths = formFiles(form).map((o) => o.path.toLowerCase());
    if (paths.some((p) => claimed.has(p))) continue;
    for (const p of paths) claimed.add(p);
    forms.push(form);
  }
  return forms.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/**
 * Brings the records in line with the manifest just written: writes the missing ones (after the
 * manifest: on a full disk the manifest matters more; a record missing after a failure is written
 * by the next run). Returns the names to keep for `dropRecords`.
 */
export async function writeRecords(fs: ArchiveFs, forms: ManifestForm[], digestOf: (form: ManifestForm) => string = formDigests()): Promise<Set<string>> {
  const { files } = await fs.walk(RECORDS_DIR);
  const present = new Set(files.map((f) => posix.basename(f)));
  const keep = new Set<string>();
  const writtenAt = new Date().toISOString();
  for (const form of forms) {
    if (outputFiles(form.outputs).length === 0) continue;
    const name = recordName(form, digestOf);
    keep.add(name);
    if (!present.has(name)) await fs.write(`${RECORDS_DIR}/${name}`, `${JSON.stringify({ record: 1, writtenAt, form })}\n`);
  }
  return keep;
}

/** Then records of forms the manifest no longer lists go. */
export async function dropRecords(fs: ArchiveFs, keep: Set<string>): Promise<void> {
  const { files } = await fs.walk(RECORDS_DIR);
  for (const rel of files) if (rel.endsWith('.json') && !keep.has(posix.basename(rel))) await fs.remove(rel).catch(() => false);
}

/** Writes the manifest (flushed to disk: it is the commit of the run) and returns it as written. */
export async function writeManifest(fs: ArchiveFs, manifest: Manifest): Promise<Manifest> {
  const { text, manifest: sealed } = manifestText(manifest);
  await fs.write(MANIFEST_FILE, text, { sync: true });
  return sealed;
}
