import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import { fixture } from '../helpers/pipeline.js';

describe('the real national export (central-2019-template.xls saved as .xlsx by LibreOffice)', () => {
  it('opens despite its overlapping merged ranges and finds only the 自评表 among its 11 sheets', async () => {
    const result = await ingestFile(fixture('lo/central-2019-template.xlsx'));
    expect(result.status).toBe('ok');
    expect(result.forms).toHaveLength(1);
    const input = result.forms[0]?.input;
    expect(input?.source.sheet).toBe('项目支出绩效自评表');
    expect(input?.variant).toBe('national11');
    expect(input?.title.text).toBe('项目支出绩效自评表');
    expect(input?.year.value).toBe(2019);
    expect(input?.projectName).toEqual({ text: '2019年210青少年校园足球扶持资金', cell: '项目支出绩效自评表!C4' });
    expect(input?.department.text).toBe('教育部');
    expect(input?.total.weight.cell).toBe('项目支出绩效自评表!H10');
    expect(input?.goals.expected.text).toBe('完成校园足球运动技术动画20集的设计制作与播出');
  });
});
