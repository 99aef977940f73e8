/**
 * Marks the end of a step of the Action on the performance timeline, where `npm run bench:action`
 * reads it to say where a cold run's time goes (scripts/bench-action.mjs). A mark costs microseconds.
 */
export const markStep = (step: string): void => void performance.mark(`skill-quarantine:${step}`);
