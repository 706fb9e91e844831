import type { VehicleType } from "@/db/schema";
import type { RedisLike } from "@/lib/redis/client";
import { coveredHours, HOUR_MS, touchedHours } from "./buckets";
import { CAPACITY_TTL_SECONDS, TOMBSTONE_TTL_SECONDS, type AvailabilityStore, type Booking } from "./store";

// Keys of one lot+type share the hash tag {lot:type}, so each script touches a single slot.
//   <p>{lot:type}:cap        capacity (active spots), expires after CAPACITY_TTL_SECONDS
//   <p>{lot:type}:h:<hour>   set of reservation ids covering that whole epoch hour
//   <p>{lot:type}:idx        set of hours that have a set (so a rebuild can clear them)
//   <p>{lot:type}:rel:<id>   tombstone of a released reservation

const CERTAINLY_FULL = `
local cap = redis.call('GET', KEYS[1])
if not cap then return -1 end
cap = tonumber(cap)
if cap == 0 then return 1 end
for i = 1, #ARGV do
  if redis.call('SCARD', KEYS[2] .. ARGV[i]) >= cap then return 1 end
end
return 0`;

const BOOKED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 3, #ARGV, 2 do
  local key = KEYS[2] .. ARGV[i]
  redis.call('SADD', key, ARGV[1])
  redis.call('EXPIREAT', key, ARGV[i + 1])
  redis.call('SADD', KEYS[3], ARGV[i])
end
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1`;

const RELEASED = `
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
for i = 3, #ARGV do redis.call('SREM', KEYS[2] .. ARGV[i], ARGV[1]) end
return 1`;

const REPLACE = `
local hours = redis.call('SMEMBERS', KEYS[3])
for _, h in ipairs(hours) do redis.call('DEL', KEYS[2] .. h) end
redis.call('DEL', KEYS[3])
for i = 4, #ARGV, 3 do
  local key = KEYS[2] .. ARGV[i + 1]
  redis.call('SADD', key, ARGV[i])
  redis.call('EXPIREAT', key, ARGV[i + 2])
  redis.call('SADD', KEYS[3], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

// An hour's set is useless once the hour is over; keep it a day longer for clock skew.
const expireAt = (hour: number) => Math.floor(((hour + 1) * HOUR_MS) / 1000) + 86_400;
const IDX_TTL = 40 * 86_400;
// Hours already over can no longer make a request fail: skip them.
const futureHours = (b: Booking) => {
  const now = Math.floor(Date.now() / HOUR_MS);
  return coveredHours(b.start, b.end).filter((h) => h >= now);
};

export function redisAvailabilityStore(redis: RedisLike, prefix: string): AvailabilityStore {
  const base = (lotId: string, type: VehicleType) => `${prefix}av:{${lotId}:${type}}`;
  return {
    async certainlyFull(lotId, type, start, end) {
      const b = base(lotId, type);
      const r = Number(await redis.eval(CERTAINLY_FULL, [`${b}:cap`, `${b}:h:`], touchedHours(start, end)));
      return r === -1 ? null : r === 1;
    },
    async booked(lotId, type, booking) {
      const b = base(lotId, type);
      const args: (string | number)[] = [booking.id, IDX_TTL];
      for (const h of futureHours(booking)) args.push(h, expireAt(h));
      await redis.eval(BOOKED, [`${b}:rel:${booking.id}`, `${b}:h:`, `${b}:idx`], args);
    },
    async released(lotId, type, booking) {
      const b = base(lotId, type);
      await redis.eval(
        RELEASED,
        [`${b}:rel:${booking.id}`, `${b}:h:`],
        [booking.id, TOMBSTONE_TTL_SECONDS, ...coveredHours(booking.start, booking.end)],
      );
    },
    async replace(lotId, type, capacity, bookings) {
      const b = base(lotId, type);
      const args: (string | number)[] = [capacity, CAPACITY_TTL_SECONDS, IDX_TTL];
      for (const bk of bookings) for (const h of futureHours(bk)) args.push(bk.id, h, expireAt(h));
      await redis.eval(REPLACE, [`${b}:cap`, `${b}:h:`, `${b}:idx`], args);
    },
    async invalidate(lotId, type) {
      await redis.del(`${base(lotId, type)}:cap`);
    },
  };
}
