import { describe, expect, it } from 'vitest';
import { OutputNames, type NameFields } from '../../src/archive/output-names.js';

const fields = (over: Partial<NameFields>): NameFields => ({ 年度: '2021', 主管部门: '某厅', 实施单位: '某厅本级', 项目名称: '项目', 文件名: 'f', 工作表: 'Sheet1', ...over });

describe('the names the archive keeps for its own files', () => {
  it('never gives a form a year page’s name: a project called index beside a year’s index.html gets _index', () => {
    // `{{年度}}/{{项目名称}}` puts forms in the year folder, where the year's index.html is.
    for (const name of ['index', 'INDEX', 'Index']) expect(new OutputNames('{{年度}}/{{项目名称}}').next(fields({ 项目名称: name }), 'test').name).toBe(`2021/_${name}`);
    // At the top of out, beside the archive's own index.html.
    expect(new OutputNames('{{项目名称}}').next(fields({ 项目名称: 'index' }), 'test').name).toBe('_index');
    for (const name of ['汇总表', '合并打印', '年度报告', '复核意见', 'MANIFEST']) expect(new OutputNames('{{年度}}/{{项目名称}}').next(fields({ 项目名称: name }), 'test').name).toBe(`2021/_${name}`);
    // A name that only begins like one is left as it is.
    expect(new OutputNames('{{年度}}/{{项目名称}}').next(fields({ 项目名称: 'index2' }), 'test').name).toBe('2021/index2');
  });
});
