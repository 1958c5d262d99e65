// The linebreak package ships no types; this covers the part the cell breaker calls.
declare module 'linebreak' {
  interface Break {
    /** Code-unit index where the next line would start. */
    position: number;
    /** A mandatory break (newline and the like), as opposed to an opportunity. */
    required: boolean;
  }
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
}
