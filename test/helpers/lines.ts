import type { IndicatorLine, SourcedNumber, SourcedText } from '../../src/model/form-input.js';
import { parseNumberText } from '../../src/model/numbers.js';

const t = (text: string, cell: string | null = null): SourcedText => ({ text, cell });
const n = (text: string, cell: string | null = null): SourcedNumber => ({ text, value: text === '' ? null : parseNumberText(text), cell });

export interface LineSpec {
  level1?: string;
  level2?: string;
  name?: string;
  target?: string;
  actual?: string;
  weight?: string | number;
  score?: string | number;
  deviation?: string;
  row?: number;
}

/** An indicator line as ingest would give it, cells on row `row` of Sheet1 (Ningxia columns). */
export function line(spec: LineSpec): IndicatorLine {
  const row = spec.row ?? 14;
  return {
    level1: t(spec.level1 ?? '产出指标', `Sheet1!B${row}`),
    level2: t(spec.level2 ?? '数量指标', `Sheet1!C${row}`),
    name: t(spec.name ?? '测试指标', `Sheet1!D${row}`),
    target: t(spec.target ?? '', `Sheet1!E${row}`),
    actual: t(spec.actual ?? '', `Sheet1!F${row}`),
    weight: n(String(spec.weight ?? ''), `Sheet1!G${row}`),
    score: n(String(spec.score ?? ''), `Sheet1!H${row}`),
    deviation: t(spec.deviation ?? '', `Sheet1!I${row}`),
  };
}
