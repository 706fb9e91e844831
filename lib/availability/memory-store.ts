import type { VehicleType } from "@/db/schema";
import { coveredHours, touchedHours } from "./buckets";
import { CAPACITY_TTL_SECONDS, type AvailabilityStore, type Booking } from "./store";

type Entry = { capacity?: { value: number; expiresAt: number }; hours: Map<number, Set<string>> };

/** The same rules as the Redis store, for one process with no Redis configured. */
export function memoryAvailabilityStore(now: () => number = Date.now): AvailabilityStore {
  const entries = new Map<string, Entry>();
  const released = new Set<string>();
  const entry = (lotId: string, type: VehicleType) => {
    const key = `${lotId}:${type}`;
    let e = entries.get(key);
    if (!e) entries.set(key, (e = { hours: new Map() }));
    return e;
  };
  const add = (e: Entry, b: Booking) => {
    for (const h of coveredHours(b.start, b.end)) {
      let set = e.hours.get(h);
      if (!set) e.hours.set(h, (set = new Set()));
      set.add(b.id);
    }
  };
  return {
    async certainlyFull(lotId, type, start, end) {
      const e = entry(lotId, type);
      if (!e.capacity || e.capacity.expiresAt <= now()) return null;
      const cap = e.capacity.value;
      if (cap === 0) return true;
      return touchedHours(start, end).some((h) => (e.hours.get(h)?.size ?? 0) >= cap);
    },
    async booked(lotId, type, b) {
      if (!released.has(b.id)) add(entry(lotId, type), b);
    },
    async released(lotId, type, b) {
      released.add(b.id);
      const e = entry(lotId, type);
      for (const h of coveredHours(b.start, b.end)) e.hours.get(h)?.delete(b.id);
    },
    async replace(lotId, type, capacity, bookings) {
      const e = entry(lotId, type);
      e.hours.clear();
      for (const b of bookings) add(e, b);
      e.capacity = { value: capacity, expiresAt: now() + CAPACITY_TTL_SECONDS * 1000 };
    },
    async invalidate(lotId, type) {
      entry(lotId, type).capacity = undefined;
    },
  };
}
