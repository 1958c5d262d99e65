import { describe, expect, it } from 'vitest';
import { Literal, name, PdfFile, pdfNumber, serialise, Text } from '../../src/render/pdf-objects.js';
import { pdfInfo } from '../helpers/pdf.js';

describe('the PDF object writer', () => {
  it('writes numbers without exponents, to six decimals', () => {
    expect(pdfNumber(595.28)).toBe('595.28');
    expect(pdfNumber(0.1 + 0.2)).toBe('0.3');
    expect(pdfNumber(-12)).toBe('-12');
    expect(pdfNumber(1e-7)).toBe('0');
    expect(pdfNumber(0.0000015)).toBe('0.000002');
    expect(pdfNumber(123456789.1234567)).toBe('123456789.123457');
    expect(() => pdfNumber(Number.NaN)).toThrow();
  });

  it('escapes names and writes text strings as UTF-16BE with a byte order mark', () => {
    expect(serialise(name('Type'))).toBe('/Type');
    expect(serialise(name('A B#(x)'))).toBe('/A#20B#23#28x#29');
    expect(serialise(name('宋'))).toBe('/#E5#AE#8B');
    expect(serialise(new Text('第1页'))).toBe('<FEFF7B2C00319875>');
    expect(serialise({ A: [1, true, null, new Literal('(x)')], B: undefined })).toBe('<< /A [1 true null (x)] >>');
  });

  it('makes a file whose xref points at every object, readable by poppler, the same bytes every time', () => {
    const make = () => {
      const file = new PdfFile();
      const pages = file.ref();
      const content = file.stream({}, '0 0 m 100 100 l S', { deflate: true });
      const page = file.add({ Type: name('Page'), Parent: pages, MediaBox: [0, 0, 200, 200], Contents: content, Resources: {} });
      file.set(pages, { Type: name('Pages'), Kids: [page], Count: 1 });
      const root = file.add({ Type: name('Catalog'), Pages: pages });
      const info = file.add({ Title: new Text('测试 title') });
      return file.bytes(root, info);
    };
    const bytes = make();
    const text = bytes.toString('latin1');
    const start = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(start, start + 4)).toBe('xref');
    const offsets = [...text.slice(start).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((o, i) => expect(text.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    expect(pdfInfo(bytes)).toMatchObject({ Title: '测试 title', Pages: '1' });
    expect(make().equals(bytes)).toBe(true);
  });
});
