/**
 * Cell texts reach a terminal (reports, progress) and the year's web page. A cell can hold control
 * characters: ESC sequences that clear the screen or retitle the window, BEL, and bidi overrides
 * (U+202E) that make a name read backwards. They are shown as visible `\u001B` escapes instead, so
 * nothing a unit typed can act on the user's screen and support staff still see what was there.
 */

/**
 * C0 and C1 controls, DEL, and the invisible direction marks and overrides
 * (LRM/RLM, ALM, LRE…RLO, LRI…PDI); line and paragraph separators act like line breaks.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw (it escapes C0 itself; its own line breaks are layout). */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Controls as visible escapes; tab and line feed are kept (reports are laid out with them). */
export function visibleText(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Same, and line breaks too: for one-line places (a progress line, a page title, a table cell). */
export function visibleLine(text: string): string {
  return text.replace(CONTROL_OR_BREAK, escape);
}

/** Whether a text holds anything `visibleText` would change. */
export function hasControls(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/** Longest console line printed whole; a 32,767-character 项目名称 would bury everything after it. */
export const MAX_CONSOLE_LINE = 400;

/** Cuts a line to `max` characters (whole code points) and says how long it was and where the rest is. */
export function clipLine(line: string, max = MAX_CONSOLE_LINE): string {
  const chars = [...line];
  if (chars.length <= max) return line;
  return `${chars.slice(0, max).join('')}…(此行共 ${chars.length} 字，已截断；全文见 manifest.json)`;
}

/** A console text: controls escaped, each line cut to a readable length. */
export function consoleText(text: string, max = MAX_CONSOLE_LINE): string {
  return visibleText(text)
    .split('\n')
    .map((l) => clipLine(l, max))
    .join('\n');
}

/**
 * JSON for stdout: JSON.stringify already escapes C0 controls, but leaves C1 controls and bidi
 * overrides raw; they are escaped too (the value read back is the same).
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_RAW, escape);
}
