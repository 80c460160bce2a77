/** Integers past 2^53 lose digits in JSON.parse; FAL's seeds reach 2^64 (`17454220438242315174`). */
const LONG_SEED = /("seed"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

/**
 * JSON as FAL sends it (webhook bodies, queue answers), with long `seed`
 * numbers read as decimal strings so that every digit is kept.
 */
export function parseFalJson(text: string): unknown {
  return JSON.parse(text.replace(LONG_SEED, '$1"$2"'));
}
