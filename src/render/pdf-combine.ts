import { inflateSync } from 'node:zlib';
import { faceNames, type FaceName } from '../typeset/faces.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { CffFont } from './cff-font.js';
import { EmbeddedFace, sourceFace, subsetTag, type SourceFace } from './pdf-font.js';
import { documentInfo, Name, name, PdfFile, Ref, Text, type PdfValue } from './pdf-objects.js';
import { isDict, PdfReader, RawStream, type Dict } from './pdf-read.js';

export interface CombinedPart {
  /** the bookmark: the project's name as printed on its form */
  title: string;
  /** the form's own PDF, as written to the archive (read when its turn comes, so one form at a time is held) */
  pdf: () => Promise<Uint8Array>;
}

/**
 * One PDF holding forms one after another, a bookmark per form, for printing a department's year
 * in one go. The pages are the forms' own: their content streams are copied byte for byte, so the
 * combined file prints exactly what each form's PDF prints.
 *
 * The faces are embedded once for the whole file. A form's page shows each glyph by its CID in the
 * whole font (pdf-font.ts), so it shows the same glyph under a subset holding every form's glyphs:
 * each form's subsets are replaced by one subset per face, and 1,000 forms of a department take
 * one set of fonts instead of 1,000. A form's subset is shared only when its tag, recomputed from
 * the CIDs it holds and the font file this run has, is the tag it carries: made from this very
 * file. Any other (a PDF written with other fonts, or by an older version) keeps its own fonts,
 * copied with its pages. Dates and producer are fixed: the same forms give the same bytes.
 */
export async function combinePdfs(parts: CombinedPart[], title: string, typeset: Typesetter): Promise<Uint8Array> {
  const file = new PdfFile();
  const pagesRef = file.ref();
  const faces = new SharedFaces(file, typeset);
  const kids: Ref[] = [];
  const bookmarks: Array<{ title: string; page: Ref }> = [];
  for (const part of parts) {
    const reader = new PdfReader(await part.pdf());
    const copier = new Copier(file, reader, faces);
    const pages = reader.pages();
    pages.forEach(({ dict }, i) => {
      const page = file.add({
        Type: name('Page'),
        Parent: pagesRef,
        MediaBox: copier.copy(dict.MediaBox ?? null),
        ...(dict.CropBox === undefined ? {} : { CropBox: copier.copy(dict.CropBox) }),
        ...(dict.Rotate === undefined ? {} : { Rotate: copier.copy(dict.Rotate) }),
        Contents: copier.copy(dict.Contents ?? null),
        Resources: copier.resources(dict.Resources),
      });
      kids.push(page);
      if (i === 0) bookmarks.push({ title: part.title, page });
    });
  }
  faces.embed();
  file.set(pagesRef, { Type: name('Pages'), Kids: kids, Count: kids.length });
  const outlines = outline(file, bookmarks);
  const root = file.add({ Type: name('Catalog'), Pages: pagesRef, ...(outlines ? { Outlines: outlines, PageMode: name('UseOutlines') } : {}) });
  return file.bytes(root, documentInfo(file, title));
}

/** A flat outline (§12.3.3): one item per form, each opening its first page. */
function outline(file: PdfFile, items: Array<{ title: string; page: Ref }>): Ref | null {
  if (items.length === 0) return null;
  const root = file.ref();
  const refs = items.map(() => file.ref());
  items.forEach((item, i) => {
    file.set(refs[i] as Ref, {
      Title: new Text(item.title),
      Parent: root,
      Dest: [item.page, name('XYZ'), null, null, null],
      Prev: refs[i - 1],
      Next: refs[i + 1],
    });
  });
  return file.set(root, { Type: name('Outlines'), First: refs[0], Last: refs[refs.length - 1], Count: items.length });
}

/** The document's one subset per face, and which of a form's fonts it stands in for. */
class SharedFaces {
  private readonly faces = new Map<FaceName, EmbeddedFace>();
  private byName: Map<string, SourceFace> | null = null;

  constructor(
    private readonly file: PdfFile,
    private readonly typeset: Typesetter,
  ) {}

  /** The face a BaseFont names (after its tag), among this run's font files. */
  private source(baseName: string): SourceFace | undefined {
    this.byName ??= new Map(faceNames.map((f) => sourceFace(this.typeset, f)).map((s) => [s.baseName, s]));
    return this.byName.get(baseName);
  }

  /** The shared font for a form's Type0 font, or null when that font is not one of this run's subsets. */
  take(reader: PdfReader, font: Dict): Ref | null {
    const base = font.BaseFont instanceof Name ? font.BaseFont.name : '';
    const [tag, baseName] = [base.slice(0, 6), base.slice(7)];
    const source = base[6] === '+' ? this.source(baseName) : undefined;
    const descendants = reader.resolve(font.DescendantFonts);
    const cidFont = Array.isArray(descendants) && descendants.length === 1 ? reader.dict(descendants[0]) : null;
    const descriptor = reader.dict(cidFont?.FontDescriptor);
    const program = decoded(reader.stream(descriptor?.FontFile3));
    const toUnicode = decoded(reader.stream(font.ToUnicode));
    if (!source || !cidFont || !program || !toUnicode || !(font.Encoding instanceof Name) || font.Encoding.name !== 'Identity-H') return null;
    let cids: number[];
    try {
      cids = [...new CffFont(program).cids].sort((a, b) => a - b);
    } catch {
      return null;
    }
    const text = bfchars(toUnicode.toString('latin1'));
    if (!text || subsetTag(source, cids) !== tag) return null;
    // The tag says the subset was made from this very file, so each of its CIDs is a glyph here.
    if (cids.some((cid) => source.cff.gidOf(cid) === undefined)) return null;
    let face = this.faces.get(source.face);
    if (!face) {
      face = new EmbeddedFace(this.file, source.face, this.typeset);
      this.faces.set(source.face, face);
    }
    for (const cid of cids) face.include(cid, text.get(cid) ?? []);
    return face.ref;
  }

  embed(): void {
    for (const face of this.faces.values()) face.embed(this.file);
  }
}

/** A stream's bytes, inflated if they were deflated; null for any other encoding. */
function decoded(stream: RawStream | null): Buffer | null {
  if (!stream) return null;
  const filter = stream.dict.Filter;
  if (filter === undefined) return Buffer.from(stream.data.buffer, stream.data.byteOffset, stream.data.byteLength);
  if (!(filter instanceof Name) || filter.name !== 'FlateDecode' || stream.dict.DecodeParms !== undefined) return null;
  try {
    return inflateSync(stream.data);
  } catch {
    return null;
  }
}

/**
 * The text of each CID in a ToUnicode CMap written as bfchar entries (what pdf-font.ts writes),
 * or null for a map in any other form.
 */
function bfchars(cmap: string): Map<number, number[]> | null {
  const map = new Map<number, number[]>();
  const tokens = cmap.split(/\s+/).filter(Boolean);
  let inside = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (t === 'beginbfchar' || t === 'endbfchar') inside = t === 'beginbfchar';
    else if (t === 'beginbfrange' || t === 'begincidrange') return null;
    else if (inside) {
      const cid = hexOf(t);
      const dst = hexOf(tokens[++i] ?? '');
      if (cid === null || dst === null || cid.length !== 2) return null;
      map.set((cid[0] ?? 0) * 256 + (cid[1] ?? 0), codePoints(dst));
    }
  }
  return map;
}

function hexOf(token: string): number[] | null {
  if (!/^<([0-9a-fA-F]{2})*>$/.test(token)) return null;
  const bytes: number[] = [];
  for (let i = 1; i < token.length - 1; i += 2) bytes.push(parseInt(token.slice(i, i + 2), 16));
  return bytes;
}

function codePoints(utf16be: number[]): number[] {
  const units: number[] = [];
  for (let i = 0; i + 1 < utf16be.length; i += 2) units.push(((utf16be[i] ?? 0) << 8) | (utf16be[i + 1] ?? 0));
  return [...String.fromCharCode(...units)].map((c) => c.codePointAt(0) ?? 0);
}

/** Copies one source file's objects into the combined file, each once, a form's fonts shared where they can be. */
class Copier {
  private readonly copied = new Map<number, Ref>();

  constructor(
    private readonly file: PdfFile,
    private readonly reader: PdfReader,
    private readonly faces: SharedFaces,
  ) {}

  /** A page's resources, its fonts replaced by the shared ones where a form's subset allows. */
  resources(value: PdfValue | undefined): PdfValue {
    const resources = this.reader.dict(value);
    if (!resources) return this.copy(value ?? {});
    const fonts = this.reader.dict(resources.Font);
    const out: Dict = {};
    for (const [key, v] of Object.entries(resources)) out[key] = key === 'Font' && fonts ? this.fonts(fonts) : this.copy(v);
    return out;
  }

  private fonts(fonts: Dict): Dict {
    const out: Dict = {};
    for (const [key, v] of Object.entries(fonts)) {
      const font = v instanceof Ref ? this.reader.dict(v) : null;
      let shared: Ref | null = null;
      if (v instanceof Ref && font) {
        shared = this.copied.get(v.id) ?? this.faces.take(this.reader, font);
        if (shared) this.copied.set(v.id, shared);
      }
      out[key] = shared ?? this.copy(v);
    }
    return out;
  }

  copy(value: PdfValue): PdfValue {
    if (value instanceof Ref) return this.copyRef(value);
    if (Array.isArray(value)) return value.map((v) => this.copy(v));
    if (isDict(value)) {
      const out: Dict = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.copy(v);
      return out;
    }
    return value;
  }

  private copyRef(ref: Ref): Ref {
    const done = this.copied.get(ref.id);
    if (done) return done;
    const to = this.file.ref();
    this.copied.set(ref.id, to);
    const value = this.reader.get(ref);
    if (value instanceof RawStream) {
      const { Length: _length, ...dict } = value.dict;
      // A copy of the bytes, not a view: a view would keep the whole form's file in memory until the combined file is written.
      this.file.stream(this.copy(dict) as Dict, value.data.slice(), { deflate: false }, to);
    } else {
      this.file.set(to, this.copy(value));
    }
    return to;
  }
}
