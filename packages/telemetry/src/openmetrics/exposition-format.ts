/**
 * The two text formats Prometheus negotiates: OpenMetrics 1.0
 * (`application/openmetrics-text; version=1.0.0`) and the Prometheus text format 0.0.4
 * (`text/plain; version=0.0.4`). The gateway picks one per request from `Accept`.
 */
export type ExpositionFormat = 'openmetrics' | 'prometheus';

/** The line that must end every OpenMetrics exposition (and only OpenMetrics). */
export const OPENMETRICS_EOF = '# EOF\n';
