/**
 * The one place where FAL's image results are understood, as the result URL
 * answers them or as a webhook carries them.
 */

export type GenerationFailure = 'provider_error' | 'invalid_result' | 'nsfw' | 'timed_out';

export type GenerationOutcome =
  /** `seed` as an exact decimal: FAL's go past 2^63. */
  | { kind: 'images'; urls: string[]; seed: string | null; raw: unknown }
  | { kind: 'failed'; code: GenerationFailure; reason: string; raw: unknown };

/** A seed as FAL sent it: a number, or the digits parseFalJson kept as a string. */
function seedOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? value : null;
}

/** FAL's image output (`{ images: [{ url }], seed, has_nsfw_concepts }`): flagged images are dropped. */
export function normalizeGenerationOutput(output: unknown): GenerationOutcome {
  const o = output as { images?: unknown; seed?: unknown; has_nsfw_concepts?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.images)) {
    return { kind: 'failed', code: 'invalid_result', reason: 'result has no images array', raw: output };
  }
  const nsfw = Array.isArray(o.has_nsfw_concepts) ? o.has_nsfw_concepts : [];
  const urls = o.images.flatMap((image: unknown, i) => {
    const url = (image as { url?: unknown } | null)?.url;
    return typeof url === 'string' && /^https?:\/\//.test(url) && nsfw[i] !== true ? [url] : [];
  });
  if (urls.length > 0) return { kind: 'images', urls, seed: seedOf(o.seed), raw: output };
  if (nsfw.some((flag) => flag === true)) return { kind: 'failed', code: 'nsfw', reason: 'flagged by the safety checker', raw: output };
  return { kind: 'failed', code: 'invalid_result', reason: 'result has no image URL', raw: output };
}

/** A webhook body: `{ request_id, status: "OK" | "ERROR", payload, error?, payload_error? }`. */
export function normalizeGenerationWebhook(body: unknown): GenerationOutcome {
  const b = body as { status?: unknown; payload?: unknown; error?: unknown; payload_error?: unknown } | null;
  if (b?.status === 'OK') return normalizeGenerationOutput(b.payload);
  const detail = [b?.error, b?.payload_error].find((e) => typeof e === 'string');
  return {
    kind: 'failed',
    code: 'provider_error',
    reason: `FAL reported ${String(b?.status ?? 'no status')}${detail ? `: ${detail}` : ''}`,
    raw: body,
  };
}
