import { describe, expect, it } from 'vitest';
import { predecessorOf, withHistory } from '../../src/archive/revisions.js';
import { ManifestForm, type ManifestForm as Form } from '../../src/model/manifest.js';
import { finding } from '../../src/model/messages.js';
import { manifestForm } from '../helpers/manifest-form.js';

/** A form of 甲单位 with findings as given: `over` says which source, unit and result. */
const entry = (over: Partial<Form> = {}): Form => manifestForm({ sourceSha256: 'a'.repeat(64), projectName: '办公经费', implementingUnit: '甲单位', ...over });

const mismatch = finding('SCORE_MISMATCH', { file: 'in/a.xlsx', cell: 'Sheet1!H26' }, { name: '租车', filled: '2', computed: '1', why: '超出目标' });

describe('the earlier result a corrected form follows (history)', () => {
  it('dates an earlier result by when it was built, and leaves the date out when the older manifest did not record one', () => {
    const now = '2026-12-05T08:00:00.000Z';
    const corrected = entry({ sourceSha256: 'b'.repeat(64) });
    const dated = withHistory(corrected, entry({ builtAt: '2026-11-01T08:00:00.000Z', findings: [mismatch] }), now).entry.history?.[0];
    expect(dated?.at).toBe('2026-11-01T08:00:00.000Z');
    // A manifest of a version before builtAt: when that result was made is not known, and is not made up.
    const undated = withHistory(corrected, entry({ findings: [mismatch] }), now);
    expect(undated.entry.history).toHaveLength(1);
    expect(undated.entry.history?.[0]).not.toHaveProperty('at');
    expect(undated.entry.history?.[0]?.sourceSha256).toBe('a'.repeat(64));
    expect(undated.entry.builtAt).toBe(now);
    // …and the manifest reads it back as it is.
    expect(ManifestForm.parse(JSON.parse(JSON.stringify(undated.entry))).history?.[0]?.at).toBeUndefined();
  });
});

describe('which earlier result a fresh form follows (predecessorOf)', () => {
  const unitA = entry({ source: 'in/甲单位.xlsx', implementingUnit: '甲单位', findings: [mismatch] });
  const nothingGone = (): boolean => false;
  const allGone = (): boolean => true;

  it('the same source (and sheet), whatever its names say', () => {
    const renamed = entry({ source: 'in/甲单位.xlsx', projectName: '改名后的项目', sourceSha256: 'b'.repeat(64) });
    expect(predecessorOf(renamed, [unitA], nothingGone)).toBe(unitA);
  });

  it('not another unit’s project of the same name in the same department: unit B’s 办公经费 after unit A’s is no correction of A', () => {
    const unitB = entry({ source: 'in/乙单位.xlsx', implementingUnit: '乙单位', sourceSha256: 'b'.repeat(64) });
    expect(predecessorOf(unitB, [unitA], nothingGone)).toBeNull();
    // Not even when A's file is gone.
    expect(predecessorOf(unitB, [unitA], allGone)).toBeNull();
  });

  it('a corrected file under another name follows the earlier one only once that one is gone: both inputs are a duplicate, not a correction', () => {
    const corrected = entry({ source: 'in/甲单位-更正.xlsx', sourceSha256: 'b'.repeat(64) });
    expect(predecessorOf(corrected, [unitA], nothingGone)).toBeNull();
    expect(predecessorOf(corrected, [unitA], (source) => source === 'in/甲单位.xlsx')).toBe(unitA);
    // Another year, another department or another project name is another form.
    for (const other of [{ year: 2022 }, { department: '另一厅' }, { projectName: '另一个项目' }]) expect(predecessorOf({ ...corrected, ...other }, [unitA], allGone)).toBeNull();
  });
});
