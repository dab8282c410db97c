/**
 * Health routes are exempt from rate limits (probes must always get through) and answer for
 * PostgreSQL in their own body; every other route is limited and may answer 503 while it is away.
 */
export const isRateLimited = (url: string) => !url.startsWith('/health')
