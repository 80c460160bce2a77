import type { Metrics } from '../runtime/metrics.js';
import type { FalAnswer, FalHttp } from './fal-http.js';

/** The same FAL requests, counted by call and outcome. */
export function instrumentFalHttp(falHttp: FalHttp, metrics: Metrics): FalHttp {
  const counted = async (call: string, request: () => Promise<FalAnswer>) => {
    try {
      const answer = await request();
      metrics.falRequests.inc({ call, outcome: answer.status >= 200 && answer.status < 300 ? 'ok' : 'error' });
      return answer;
    } catch (error) {
      metrics.falRequests.inc({ call, outcome: 'unanswered' });
      throw error;
    }
  };
  return {
    get: (url) => counted('status', () => falHttp.get(url)),
    put: (url) => counted('cancel', () => falHttp.put(url)),
    post: (url, json) => counted('submit', () => falHttp.post(url, json)),
  };
}
