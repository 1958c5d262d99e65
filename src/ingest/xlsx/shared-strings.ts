import { LimitExceeded, limits } from './limits.js';
import type { PartStore } from './part-store.js';
import { unescapeXString } from './text-escapes.js';
import { parseXml } from './xml-stream.js';

/**
 * Collects the text of a string item (`<si>` or `<is>`): the `<t>` directly inside it and the `<t>`
 * of its rich-text runs `<r>`, joined as Excel shows them. Phonetic runs `<rPh>` (furigana, pinyin
 * guides) are not shown in the cell and are left out. The length is checked as each piece arrives,
 * so a string of many short runs is stopped as soon as it passes the cell limit.
 */
export class StringItem {
  private pieces: string[] = [];
  private length = 0;
  /** depth below the item: 1 = directly in it */
  private depth = 0;
  private inText = false;
  private phonetic = 0;

  constructor(private readonly tooLong: (chars: number) => LimitExceeded) {}

  reset(): void {
    this.pieces = [];
    this.length = 0;
    this.depth = 0;
    this.inText = false;
    this.phonetic = 0;
  }

  open(name: string): void {
    this.depth++;
    if (name === 'rPh') this.phonetic++;
    // `<t>` counts directly in the item (depth 1) or in a run (depth 2, inside `<r>`).
    else if (name === 't' && this.phonetic === 0 && this.depth <= 2) this.inText = true;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic--;
    else if (name === 't') this.inText = false;
    this.depth--;
  }

  text(text: string): void {
    if (!this.inText) return;
    this.length += text.length;
    if (this.length > limits.cellChars) throw this.tooLong(this.length);
    this.pieces.push(text);
  }

  /** inside a `<t>` that is kept: a long quiet run there is cell text */
  get collecting(): boolean {
    return this.inText;
  }

  /** no element of the item is open: the next close is the item's own */
  get atTop(): boolean {
    return this.depth === 0;
  }

  get chars(): number {
    return this.length;
  }

  value(): string {
    return unescapeXString(this.pieces.length === 1 ? (this.pieces[0] ?? '') : this.pieces.join(''));
  }
}

/** `xl/sharedStrings.xml`: the strings cells of type `s` point at, by index. */
export function readSharedStrings(parts: PartStore, part: string): string[] {
  const data = parts.read(part);
  if (!data) return [];
  const name = parts.nameOf(part);
  const strings: string[] = [];
  let total = 0;
  let inItem = false;
  const cellTooLong = (chars: number): LimitExceeded => new LimitExceeded({ limit: 'cellChars', part: name, found: `${chars} 个字符以上` });
  const item = new StringItem(cellTooLong);
  parseXml(name, data, {
    open(tag) {
      if (inItem) item.open(tag);
      else if (tag === 'si') {
        if (strings.length === limits.sharedStrings) throw new LimitExceeded({ limit: 'sharedStrings', part: name, found: `${limits.sharedStrings + 1} 个以上` });
        inItem = true;
        item.reset();
      }
    },
    close(tag) {
      if (!inItem) return;
      if (tag === 'si' && item.atTop) {
        inItem = false;
        const value = item.value();
        total += value.length;
        if (total > limits.sharedStringChars) throw new LimitExceeded({ limit: 'sharedStringChars', part: name, found: `${total} 个字符以上` });
        strings.push(value);
      } else {
        item.close(tag);
      }
    },
    text(text) {
      if (!inItem) return;
      item.text(text);
    },
    tooLong: (chars) => (inItem && item.collecting ? cellTooLong(item.chars + chars) : new LimitExceeded({ limit: 'xmlTokenChars', part: name, found: `${chars} 个字符以上` })),
  });
  return strings;
}
