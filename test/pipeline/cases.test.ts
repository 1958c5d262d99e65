import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestEntry } from '../../src/archive/manifest.js';
import type { Finding } from '../../src/model/finding.js';
import { processFile } from '../../src/pipeline/process.js';
import { profileChoice } from '../../src/profiles/load-profile.js';
import { root, typeset } from '../helpers/pipeline.js';

/**
 * The real offices' files of issue 11 (test/fixtures/cases, hand-checked in cases.json): each is
 * read with `--profile auto` and must give exactly the status, profile, layout, findings and
 * numbers written there — a wrong number nobody is told about is the failure this guards.
 */
interface ExpectedFinding {
  code: string;
  cell: string;
  orCodes?: string[];
  orCells?: string[];
  sameRow?: boolean;
  severity?: string;
}
interface Case {
  file: string;
  status?: 'ok' | 'error';
  layout?: string | null;
  profile?: string | null;
  findings?: ExpectedFinding[];
  absentCodes?: string[];
  absentFindings?: Array<{ code: string; cell: string }>;
  values?: Record<string, unknown>;
  lines?: Array<{ scoreCell: string; name: string; rule: string | null; filledScore: number | null; computedScore: number | null }>;
  expectSameAs?: string;
}

const { cases } = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'cases', 'cases.json'), 'utf8')) as { cases: Case[] };
const byFile = new Map(cases.map((c) => [c.file, c]));

/** A case re-saved by LibreOffice expects what its original expects, unless it says more itself. */
function expected(c: Case): Case {
  const base = c.expectSameAs ? byFile.get(c.expectSameAs) : undefined;
  return base ? { ...base, ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'file' && k !== 'expectSameAs')), file: c.file } : c;
}

const row = (cell: string): string => cell.replace(/[A-Z]+(\d+)$/, '#$1');
const matches = (f: Finding, e: ExpectedFinding): boolean => {
  if (f.code !== e.code && !(e.orCodes ?? []).includes(f.code)) return false;
  const cells = [e.cell, ...(e.orCells ?? [])];
  if (f.cell && cells.includes(f.cell)) return true;
  return e.sameRow === true && f.cell !== undefined && cells.some((c) => row(c) === row(f.cell ?? ''));
};

async function read(file: string) {
  const path = join(root, 'test', 'fixtures', file);
  const outcome = await processFile(path, file, { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: false });
  return outcome.forms.map((form) => ({ form, entry: manifestEntry(form, outcome) }));
}

const checked = cases.filter((c) => expected(c).status !== undefined);

describe.each(checked.map((c) => ({ c: expected(c), file: c.file })))('$file', ({ c }) => {
  it('has the expected status, profile, layout and findings', async () => {
    const forms = await read(c.file);
    const values = c.values ?? {};
    expect(forms).toHaveLength(typeof values.formsFound === 'number' ? values.formsFound : 1);
    const [first] = forms;
    if (!first) throw new Error('nothing read');
    const { form, entry } = first;
    const findings = form.findings;
    const list = findings.map((f) => `${f.code}@${f.cell ?? ''}`).join(', ');
    expect(entry.status, list).toBe(c.status);
    if (c.status === 'ok') {
      expect(entry.profile).toBe(c.profile);
      expect(entry.profileFrom).toBe('layout');
      expect(form.scored?.input.variant).toBe(c.layout);
    } else {
      expect(entry.grade).toBeNull();
      expect(entry.total).toBeNull();
    }
    for (const e of c.findings ?? []) {
      const hit = findings.find((f) => matches(f, e));
      expect(hit, `${e.code} at ${e.cell} among: ${list}`).toBeDefined();
      if (hit && e.severity) expect(hit.severity).toBe(e.severity);
    }
    for (const code of c.absentCodes ?? [])
      expect(
        findings.map((f) => f.code),
        `${code} must not appear: ${list}`,
      ).not.toContain(code);
    for (const a of c.absentFindings ?? [])
      expect(
        findings.some((f) => f.code === a.code && f.cell === a.cell),
        `${a.code} at ${a.cell}`,
      ).toBe(false);
    // Every finding names its file, and every finding of a form that was read names a cell.
    for (const f of findings) {
      expect(f.file).toBe(c.file);
      if (entry.status === 'ok') expect(f.cell, `${f.code} has no cell`).toBeTruthy();
    }
  });

  it.skipIf(c.status !== 'ok')('has the expected numbers', async () => {
    const [first] = await read(c.file);
    if (!first) throw new Error('nothing read');
    const { entry, form } = first;
    const v = c.values ?? {};
    const near = (actual: number | null | undefined, want: unknown, what: string, digits = 2): void => {
      if (want === undefined) return;
      if (want === null) expect(actual ?? null, what).toBeNull();
      else expect(actual, what).toBeCloseTo(Number(want), digits);
    };
    if (v.projectName !== undefined) expect(entry.projectName).toBe(v.projectName);
    if (v.department !== undefined) expect(entry.department, 'department').toBe(v.department);
    if (v.year !== undefined) expect(entry.year).toBe(v.year);
    near(entry.funds?.executionRate, v.executionRate, 'executionRate', 4);
    near(entry.funds?.score === null || entry.funds?.score === undefined ? null : entry.funds.score, v.fundsScore, 'fundsScore');
    near(entry.totalWeight, v.totalWeight, 'totalWeight');
    near(entry.filledTotal, v.printedTotal, 'filledTotal (the printed 总分)');
    near(entry.computedTotal, v.computedTotal, 'computedTotal');
    near(entry.total, v.total, 'total');
    if (v.grade !== undefined) expect(entry.grade).toBe(v.grade);
    if (typeof v.indicatorLines === 'number') expect(entry.indicators.filter((l) => l.rule !== 'notApplicable')).toHaveLength(v.indicatorLines);
    for (const l of c.lines ?? []) {
      const line = entry.indicators.find((x) => x.cell === l.scoreCell);
      expect(line, l.scoreCell).toBeDefined();
      expect(line?.name).toBe(l.name);
      expect(line?.rule).toBe(l.rule ?? 'unknown');
      near(line?.filledScore, l.filledScore, `${l.scoreCell} filled`);
      near(line?.computedScore, l.computedScore, `${l.scoreCell} computed`);
    }
    expect(form.status).toBe('ok');
  });
});

describe('a folder mixing Ningxia and national forms, with no --profile', () => {
  it('gives each form the totals and grade of its own profile, identical to building it alone with that profile', async () => {
    for (const [file, profile] of [
      ['cases/mixed/ningxia-2022.xlsx', 'ningxia'],
      ['cases/mixed/national-2022.xlsx', 'national'],
    ] as const) {
      const path = join(root, 'test', 'fixtures', file);
      const auto = await processFile(path, file, { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: false });
      const alone = await processFile(path, file, { profile: profileChoice(profile, 'option'), mode: 'auto', typeset, render: false });
      const a = manifestEntry(auto.forms[0]!, auto);
      const b = manifestEntry(alone.forms[0]!, alone);
      expect(a.profile).toBe(profile);
      expect({ ...a, profileFrom: 'x' }).toEqual({ ...b, profileFrom: 'x' });
    }
  });
});
