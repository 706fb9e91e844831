/**
 * The one list of vehicle types: the database enum (db/schema.ts), the API's VehicleType and every
 * page iterate over it. A plain module, so client components can import it without drizzle or zod.
 */
export const VEHICLE_TYPES = ["compact", "large", "ev", "handicapped"] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];
