/** Half-up rounding as the provincial systems print it; the epsilon keeps 0.665 from becoming 0.66. */
export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f + Math.sign(value) * 1e-9) / f;
}

export const round2 = (value: number): number => roundTo(value, 2);

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** `0.6700` → `0.67`, `2` → `2`: scores as a person writes them. */
export function scoreText(value: number, decimals = 2): string {
  return String(roundTo(value, decimals));
}
