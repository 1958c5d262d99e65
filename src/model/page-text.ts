/**
 * Cell texts shown on a web page (the archive's index.html, the serve page): handlebars and
 * textContent escape markup, not control characters, and an ESC or a bidi override (U+202E)
 * from a cell would reorder or hide what the page shows. They are shown as visible `\u202E`
 * escapes instead, so support staff still see what was there. C0 and C1 controls, DEL, and the
 * invisible direction marks, overrides and isolates; line and paragraph separators.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function pageText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}
