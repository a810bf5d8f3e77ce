/** A refusal with the HTTP status it maps to (re-exported by client/service.ts). */
import { OnexRefusal, type RuleResult } from '../domain/errors';

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly results: RuleResult[],
  ) {
    super(new OnexRefusal(results).message);
    this.name = 'ServiceError';
  }
}
