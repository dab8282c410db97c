/** Queue names and job data, shared by the API and the workers. Jobs carry ids, never personal data. */

export const MAINTENANCE_QUEUE = 'maintenance'
export type MaintenanceJob = { readonly task: 'purge-idempotency-keys' }

/** Completed and failed jobs are kept for a while for operators, then removed. */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 }
} as const
