import { describe, expect, it } from "vitest";
import {
  AddSpotsInput,
  CreateLotInput,
  CreateReservationInput,
  Currency,
  LicensePlate,
  ListQuery,
  TimeZone,
  UpdateLotInput,
} from "./schemas";

const lotId = "7d05fb10-c837-41c8-bf32-944cf6cd4add";
const booking = {
  lot_id: lotId,
  vehicle_type: "compact",
  start_time: "2030-06-01T10:00:00Z",
  end_time: "2030-06-01T12:00:00+02:00",
};

describe("LicensePlate", () => {
  it("normalises what the driver typed", () => {
    expect(LicensePlate.parse("ab-12 c")).toBe("AB12C");
  });

  it("rejects plates that are too short, too long or contain symbols", () => {
    for (const p of ["a", "-", "ABCDEFGHIJKLM", "AB#12", "AB/12"])
      expect(LicensePlate.safeParse(p).success).toBe(false);
  });
});

describe("TimeZone", () => {
  it("accepts IANA zone names", () => {
    for (const tz of ["Europe/Amsterdam", "America/Los_Angeles", "Asia/Tokyo", "UTC"])
      expect(TimeZone.safeParse(tz).success).toBe(true);
  });

  it("rejects unknown zones with a message saying so", () => {
    const r = TimeZone.safeParse("Mars/Olympus_Mons");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("Unknown IANA time zone");
  });
});

describe("Currency", () => {
  it("upper-cases a three-letter code", () => {
    expect(Currency.parse("jpy")).toBe("JPY");
    expect(Currency.parse("EUR")).toBe("EUR");
  });

  it("rejects anything but three letters", () => {
    for (const c of ["EU", "EURO", "€", "12A", ""]) expect(Currency.safeParse(c).success).toBe(false);
  });
});

describe("CreateReservationInput", () => {
  it("accepts instants with Z or an offset and normalises the plate", () => {
    const r = CreateReservationInput.parse({ ...booking, license_plate: "ab 12 c" });
    expect(r.license_plate).toBe("AB12C");
    expect(r.end_time).toBe("2030-06-01T12:00:00+02:00");
  });

  it("leaves the plate and the user optional", () => {
    const r = CreateReservationInput.parse(booking);
    expect(r.license_plate).toBeUndefined();
    expect(r.user_id).toBeUndefined();
  });

  it("rejects an instant without a time zone offset (ambiguous local time)", () => {
    expect(CreateReservationInput.safeParse({ ...booking, start_time: "2030-06-01T10:00:00" }).success).toBe(false);
  });

  it("rejects an unknown vehicle type, a non-uuid lot and a missing field, naming the path", () => {
    const r = CreateReservationInput.safeParse({
      ...booking,
      vehicle_type: "truck",
      lot_id: "lot-1",
      end_time: undefined,
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join(".")).sort()).toEqual(["end_time", "lot_id", "vehicle_type"]);
  });
});

describe("lot inputs", () => {
  it("fills defaults for a new lot and upper-cases its currency", () => {
    const r = CreateLotInput.parse({ name: " Shibuya ", address: "Tokyo", time_zone: "Asia/Tokyo", currency: "jpy" });
    expect(r).toMatchObject({ name: "Shibuya", currency: "JPY", grace_minutes: 30, cancel_late_refund_percent: 0 });
    expect(r.hourly_rates).toEqual({ compact: 300, large: 450, ev: 400, handicapped: 300 });
  });

  it("rejects a lot in an unknown time zone or with a refund share above 100 %", () => {
    const base = { name: "X", address: "Y", time_zone: "Asia/Tokyo", currency: "JPY" };
    expect(CreateLotInput.safeParse({ ...base, time_zone: "Tokyo" }).success).toBe(false);
    expect(CreateLotInput.safeParse({ ...base, cancel_late_refund_percent: 101 }).success).toBe(false);
  });

  it("refuses an empty update", () => {
    expect(UpdateLotInput.safeParse({}).success).toBe(false);
    expect(UpdateLotInput.parse({ grace_minutes: 10 })).toEqual({ grace_minutes: 10 });
  });

  it("takes spots either as counts per type or as an explicit list", () => {
    expect(AddSpotsInput.parse({ counts: { ev: 2 } })).toEqual({
      counts: { compact: 0, large: 0, ev: 2, handicapped: 0 },
      level: "G",
    });
    const list = AddSpotsInput.parse({ spots: [{ label: " A1 ", vehicle_type: "large" }] });
    expect(list).toEqual({ spots: [{ label: "A1", vehicle_type: "large", level: "G", x: 0, y: 0, active: true }] });
    expect(AddSpotsInput.safeParse({ spots: [] }).success).toBe(false);
  });
});

describe("ListQuery", () => {
  it("reads the limit from a query string, defaulting to 50 and capping at 100", () => {
    expect(ListQuery.parse({}).limit).toBe(50);
    expect(ListQuery.parse({ limit: "7" }).limit).toBe(7);
    expect(ListQuery.safeParse({ limit: "101" }).success).toBe(false);
    expect(ListQuery.safeParse({ limit: "0" }).success).toBe(false);
  });
});
