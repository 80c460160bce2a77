import type { FalAnswer, FalHttp } from '../fal/fal-http.js';

/**
 * Questions about one FAL queue job, asked through the URLs FAL handed us at
 * submit (status, response, cancel) — never rebuilt from the model id. Trainings
 * and generations share them.
 */

export type FalVerdict =
  | { state: 'running' }
  | { state: 'done'; output: unknown }
  /** FAL has no FAILED status: a failed job is COMPLETED and its result fetch fails with a 4xx. */
  | { state: 'failed'; reason: string; body: unknown }
  /** No usable answer (network, 5xx): the next check asks again. */
  | { state: 'unknown'; detail: string };

/** The human part of a FAL error answer (`{ detail }`), short enough for a log line or a row. */
export const detailOf = (answer: FalAnswer) => {
  const body = answer.body as { detail?: unknown } | string;
  const detail = typeof body === 'object' && body !== null && 'detail' in body ? body.detail : body;
  return (typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 500);
};

/** Where a job stands: its status, and when it is COMPLETED, its result. */
export async function askFal(falHttp: FalHttp, statusUrl: string, responseUrl: string): Promise<FalVerdict> {
  try {
    const status = await falHttp.get(statusUrl);
    if (status.status !== 200) return { state: 'unknown', detail: `status answered ${status.status}: ${detailOf(status)}` };
    if ((status.body as { status?: unknown }).status !== 'COMPLETED') return { state: 'running' };
    const result = await falHttp.get(responseUrl);
    if (result.status >= 200 && result.status < 300) return { state: 'done', output: result.body };
    if (result.status >= 400 && result.status < 500) {
      return { state: 'failed', reason: `result fetch answered ${result.status}: ${detailOf(result)}`, body: result.body };
    }
    return { state: 'unknown', detail: `result fetch answered ${result.status}` };
  } catch (error) {
    return { state: 'unknown', detail: (error as Error).message };
  }
}

/** `requested`: FAL took the cancel; `too_late`: it refused (the job is finishing); `unreachable`: no answer. */
export type CancelResult = 'requested' | 'too_late' | 'unreachable';

/** Asks FAL to cancel a job. Never throws: callers that only want the job gone ignore the result. */
export async function cancelFalJob(falHttp: FalHttp, cancelUrl: string): Promise<CancelResult> {
  try {
    const answer = await falHttp.put(cancelUrl);
    if (answer.status >= 500) return 'unreachable';
    return answer.status >= 400 ? 'too_late' : 'requested';
  } catch {
    return 'unreachable';
  }
}
