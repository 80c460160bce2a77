/**
 * The one place where FAL's training results are understood (docs/invariants.md,
 * "Results are normalized in one place").
 * LoRA trainers answer `{ diffusers_lora_file: File, config_file: File }`, the pro
 * trainer `{ finetune_id }`, and a failed job either a webhook with
 * `status: "ERROR"` or a result fetch that fails. Anything else is a failure with
 * a reason — never an exception, never a JSON blob stored as an id, the second bug
 * of the post-mortem this project was born from.
 */

export type FailureCode = 'provider_error' | 'invalid_result' | 'timed_out' | 'cancelled';

export type TrainingOutcome =
  | { kind: 'lora'; loraUrl: string; configUrl: string | null; raw: unknown }
  | { kind: 'finetune'; finetuneId: string; raw: unknown }
  | { kind: 'failed'; code: FailureCode; reason: string; raw: unknown };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

const failed = (code: FailureCode, reason: string, raw: unknown): TrainingOutcome => ({ kind: 'failed', code, reason, raw });

/** A trainer's output, as the result URL answers it or as a webhook's `payload`. */
export function normalizeTrainingOutput(output: unknown): TrainingOutcome {
  if (!isObject(output)) return failed('invalid_result', `result is ${output === null ? 'null' : typeof output}, not an object`, output);
  if ('finetune_id' in output) {
    const id = output.finetune_id;
    return typeof id === 'string' && id.trim() !== ''
      ? { kind: 'finetune', finetuneId: id.trim(), raw: output }
      : failed('invalid_result', 'finetune_id is not a non-empty string', output);
  }
  if ('diffusers_lora_file' in output) {
    const lora = isObject(output.diffusers_lora_file) ? httpUrl(output.diffusers_lora_file.url) : null;
    if (!lora) return failed('invalid_result', 'diffusers_lora_file.url is missing or not a URL', output);
    const config = isObject(output.config_file) ? httpUrl(output.config_file.url) : null;
    return { kind: 'lora', loraUrl: lora, configUrl: config, raw: output };
  }
  return failed('invalid_result', 'result has neither diffusers_lora_file nor finetune_id', output);
}

/** A webhook body: `{ request_id, status: "OK" | "ERROR", payload, error?, payload_error? }`. */
export function normalizeTrainingWebhook(body: unknown): TrainingOutcome {
  if (!isObject(body)) return failed('invalid_result', 'webhook body is not an object', body);
  if (body.status === 'OK') {
    const outcome = normalizeTrainingOutput(body.payload);
    // Keep the whole delivery, not only its payload.
    return { ...outcome, raw: body };
  }
  const explanation = [body.error, body.payload_error].find((e) => typeof e === 'string' && e.trim() !== '');
  const detail =
    explanation ?? (isObject(body.payload_error) || Array.isArray(body.payload_error) ? JSON.stringify(body.payload_error) : undefined);
  return failed('provider_error', `FAL reported ${String(body.status ?? 'no status')}${detail ? `: ${detail}` : ''}`, body);
}
