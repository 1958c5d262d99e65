// pdfmake 0.3 ships no types (@types/pdfmake describes 0.2's API); this covers what the year report calls.
declare module 'pdfmake' {
  /** A document definition: content, styles, page setup (https://pdfmake.github.io/docs/). */
  export type DocumentDefinition = Record<string, unknown>;

  /** An outline item as pdfkit keeps it until the document ends. */
  export interface PdfKitOutline {
    outlineData: { Dest?: unknown[] };
    children: PdfKitOutline[];
  }

  /** pdfkit's document after pdfmake drew every page, before `end()` writes the trailer. */
  export interface PdfKitDocument {
    outline: PdfKitOutline;
    /** the catalog */
    _root: { data: Record<string, unknown> };
  }

  export interface OutputDocument {
    getStream(): Promise<PdfKitDocument>;
    getBuffer(): Promise<Buffer>;
  }

  export interface FontFiles {
    normal: string;
    bold: string;
  }

  export interface PdfMake {
    virtualfs: { writeFileSync(name: string, data: Buffer): void };
    setFonts(fonts: Record<string, FontFiles>): void;
    setUrlAccessPolicy(allowed: (url: string) => boolean): void;
    setLocalAccessPolicy(allowed: (path: string) => boolean): void;
    createPdf(doc: DocumentDefinition): OutputDocument;
  }

  const pdfmake: PdfMake;
  export default pdfmake;
}
