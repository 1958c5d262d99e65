/** Column letters of a 1-based column number: 1 → A, 27 → AA. */
export function columnLetter(col: number): string {
  let letters = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** `C7` for row 7, column 3. */
export function cellAddress(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}
