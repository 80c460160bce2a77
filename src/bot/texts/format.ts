/** Small formatting pieces the language files share. */

/** `20 MB` / `512 KB`, with the language's unit names. */
export const size = (bytes: number, mb: string, kb: string) =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / 1024 / 1024)} ${mb}` : `${Math.floor(bytes / 1024)} ${kb}`;

/** A ten-cell progress bar: `███░░░░░░░`. */
export const bar = (ratio: number) => {
  const filled = Math.round(Math.min(1, ratio) * 10);
  return '█'.repeat(filled) + '░'.repeat(10 - filled);
};

/** `📊 ███░░░░░░░ 30%`. */
export const progressLine = (uploaded: number, max: number) => `📊 ${bar(uploaded / max)} ${Math.round((uploaded / max) * 100)}%`;
