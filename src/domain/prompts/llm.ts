import { setTimeout as sleep } from 'node:timers/promises';
import type { FalHttp } from '../../fal/fal-http.js';
import { askFal, cancelFalJob, submitJob } from '../fal-jobs.js';

/** FAL's LLM endpoint: any OpenRouter model by its id (`fal-ai/any-llm` was removed). */
const LLM_ENDPOINT = 'openrouter/router';

export type LlmRequest = { model: string; systemPrompt: string; prompt: string; maxTokens: number; temperature: number };

export type LlmAnswer = { ok: true; text: string } | { ok: false; reason: 'timeout' | 'error'; detail: string };

const POLL_MS = 150;
const TIMEOUT: unique symbol = Symbol('timeout');

/** `work`, or TIMEOUT once `deadline` passes first (the work itself is left to finish or fail on its own). */
async function byDeadline<T>(work: Promise<T>, deadline: number): Promise<T | typeof TIMEOUT> {
  const timer = new AbortController();
  try {
    const late = sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timer.signal }).then(
      (): typeof TIMEOUT => TIMEOUT,
      (): typeof TIMEOUT => TIMEOUT,
    );
    return await Promise.race([work, late]);
  } finally {
    timer.abort();
  }
}

/** The text of `openrouter/router`'s output `{ output, error?, partial? }`; an `error` or a partial answer is not one. */
function textOf(output: unknown): LlmAnswer {
  const body = (output ?? {}) as { output?: unknown; error?: unknown; partial?: unknown };
  if (typeof body.error === 'string' && body.error.trim()) return { ok: false, reason: 'error', detail: body.error.slice(0, 300) };
  if (body.partial === true) return { ok: false, reason: 'error', detail: 'the answer is partial' };
  return { ok: true, text: typeof body.output === 'string' ? body.output : '' };
}

/**
 * Asks the LLM through FAL's queue, like every other FAL call (submitted once,
 * never retried), and waits for its answer by polling the status, all within
 * `timeoutMs`. Past it the job is cancelled and a timeout returned: a caller
 * that falls back never waits longer than that. Never throws.
 */
export async function askLlm(falHttp: FalHttp, request: LlmRequest, timeoutMs: number): Promise<LlmAnswer> {
  const deadline = Date.now() + timeoutMs;
  const input = {
    model: request.model,
    system_prompt: request.systemPrompt,
    prompt: request.prompt,
    temperature: request.temperature,
    max_tokens: request.maxTokens,
  };
  const submitted = await byDeadline(submitJob(falHttp, LLM_ENDPOINT, input, null), deadline);
  if (submitted === TIMEOUT) return { ok: false, reason: 'timeout', detail: 'the submit was not answered in time' };
  if (!submitted.ok) return { ok: false, reason: 'error', detail: submitted.detail };
  const { job } = submitted;
  while (Date.now() < deadline) {
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    const verdict = await byDeadline(askFal(falHttp, job.statusUrl, job.responseUrl), deadline);
    if (verdict === TIMEOUT) break;
    if (verdict.state === 'done') return textOf(verdict.output);
    if (verdict.state === 'failed') return { ok: false, reason: 'error', detail: verdict.reason };
    if (verdict.state === 'gone') return { ok: false, reason: 'error', detail: verdict.detail };
  }
  // Not waited for any longer: the answer would come after the picture was already asked for.
  void cancelFalJob(falHttp, job.cancelUrl);
  return { ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
}
