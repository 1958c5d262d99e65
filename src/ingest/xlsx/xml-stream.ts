import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { LimitExceeded, limits, Unreadable } from './limits.js';

export type Attributes = Readonly<Record<string, string>>;

/** What a part reader does with the events of one XML part. Element names come without prefix. */
export interface XmlHandlers {
  open(name: string, attributes: Attributes): void;
  close(name: string): void;
  /** text and CDATA, entities already decoded */
  text(text: string): void;
  /**
   * The error for a run of text or markup too long to hold (no event for `limits.xmlTokenChars`
   * characters); a reader inside a cell's text says which cell limit that is.
   */
  tooLong?(quietChars: number): LimitExceeded;
}

/**
 * The local name: `x:c` and `c` are the same element. Some writers (and Strict files converted by
 * hand) prefix the spreadsheet namespace; nothing in a workbook part uses two elements of one
 * local name from different namespaces.
 */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by local name: `r:id` is found as `id`, an unprefixed one first. */
export function attr(attributes: Attributes, name: string): string | undefined {
  const plain = attributes[name];
  if (plain !== undefined) return plain;
  for (const key in attributes) if (localName(key) === name) return attributes[key];
  return undefined;
}

const CHUNK = 64 * 1024;

/**
 * Streams one part through saxes in chunks, so the part is never one big string. The parser holds
 * a text run or a tag whole until it ends; a run that goes on for `limits.xmlTokenChars`
 * characters without an event stops the parse before it grows further.
 */
export function parseXml(part: string, data: Buffer, handlers: XmlHandlers): void {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  let sawEvent = false;
  parser.on('opentag', (tag) => {
    sawEvent = true;
    handlers.open(localName(tag.name), tag.attributes);
  });
  parser.on('closetag', (tag) => {
    sawEvent = true;
    handlers.close(localName(tag.name));
  });
  parser.on('text', (text) => {
    sawEvent = true;
    handlers.text(text);
  });
  parser.on('cdata', (text) => {
    sawEvent = true;
    handlers.text(text);
  });
  // No handlers for comments, processing instructions or a doctype: a part made of a megabyte of
  // them is refused like any long run. (Each handler is a property added to the parser, and past a
  // few of them V8 makes its properties slow: parsing took five times as long.)
  parser.on('error', (error) => {
    throw new Unreadable(`部件 ${part} 不是有效的 XML(${error.message.split('\n')[0]?.slice(0, 120) ?? ''})`);
  });
  // UTF-16 parts are rare but legal; they start with a byte order mark.
  const utf16 = data.length >= 2 && data[0] === 0xff && data[1] === 0xfe;
  const decoder = new StringDecoder(utf16 ? 'utf16le' : 'utf8');
  let quietChars = 0;
  for (let at = utf16 ? 2 : 0; at < data.length; at += CHUNK) {
    const chunk = decoder.write(data.subarray(at, Math.min(at + CHUNK, data.length)));
    sawEvent = false;
    parser.write(chunk);
    quietChars = sawEvent ? 0 : quietChars + chunk.length;
    if (quietChars > limits.xmlTokenChars) {
      throw handlers.tooLong?.(quietChars) ?? new LimitExceeded({ limit: 'xmlTokenChars', part, found: `${quietChars} 个字符以上` });
    }
  }
  parser.write(decoder.end());
  parser.close();
}
