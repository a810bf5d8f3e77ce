/** Application-failure type of a refused action; its details[0] holds the RuleResult[]. */
export const REFUSAL_FAILURE_TYPE = 'OnexRefusal';
