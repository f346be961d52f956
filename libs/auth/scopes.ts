/**
 * What a key may do. `jobs:write` submits, cancels and deletes jobs (and translates text); `jobs:read` reads
 * jobs, transcripts and usage; `live:speak` streams a live session (and deletes its lines); `live:watch` follows
 * and reads live sessions; `admin` manages the tenant's keys and webhook secret.
 */
export const SCOPES = ['jobs:write', 'jobs:read', 'live:speak', 'live:watch', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (value: unknown): value is Scope => SCOPES.includes(value as Scope);
