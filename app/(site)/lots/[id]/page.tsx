import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import { activeSpotCounts, findLot, listSpots } from "@/db/queries/lots";
import { freeSpotCandidates, freeSpotCounts } from "@/db/queries/reservations";
import type { Lot, VehicleType } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { getSessionCaller } from "@/lib/auth/session";
import { isApiError } from "@/lib/errors";
import { validateWindow } from "@/lib/reservations/create-reservation";
import { lotRatePlan, priceWithCounts } from "@/lib/reservations/price-booking";
import { instantToLocalInput, localToInstant } from "@/lib/time/zoned-time";
import {
  currencySymbol,
  describeTimeZone,
  formatMinutes,
  formatMoney,
  formatRange,
  formatTime,
  humanise,
} from "@/components/format";
import { BookingForm, type TypeAvailability } from "@/components/lots/booking-form";
import { SpotCountList } from "@/components/lots/lot-card";
import { SPOT_MAP_LIMIT, SpotMap } from "@/components/lots/spot-map";
import { RatePlanSummary } from "@/components/lots/rate-plan-summary";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const QUARTER = 15 * 60_000;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

async function lotFor(id: string) {
  if (!z.uuid().safeParse(id).success) return null;
  return findLot(await getDb(), id);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lot = await lotFor((await params).id);
  return { title: lot?.name ?? "Lot not found" };
}

/**
 * The window in the URL, or the next quarter hour for two hours, read on the lot's clocks and checked
 * by the same rules a booking is (validateWindow), so the page warns before the Book button would.
 */
function windowFrom(sp: Record<string, string | string[] | undefined>, lot: Lot, now: Date) {
  const defaultStart = new Date(Math.ceil(now.getTime() / QUARTER) * QUARTER);
  const startLocal = one(sp.start) ?? instantToLocalInput(defaultStart, lot.timeZone);
  const start = localToInstant(startLocal, lot.timeZone);
  const endLocal =
    one(sp.end) ?? instantToLocalInput(new Date((start ?? defaultStart).getTime() + 2 * 3_600_000), lot.timeZone);
  const end = localToInstant(endLocal, lot.timeZone);
  if (!start || !end) return { startLocal, endLocal, range: null, error: "Choose when you arrive and when you leave." };
  try {
    const range = validateWindow(lot, start.toISOString(), end.toISOString(), { now });
    return {
      startLocal,
      endLocal,
      range,
      error: null,
      notice: skippedTimeNotice(lot, [startLocal, start], [endLocal, end]),
    };
  } catch (err) {
    if (!isApiError(err)) throw err;
    return { startLocal, endLocal, range: null, error: `${humanise(err.message)}.` };
  }
}

/** A time typed inside a spring-forward gap does not exist on the lot's clocks; say what it became. */
function skippedTimeNotice(lot: Lot, ...times: [string, Date][]) {
  const moved = times.find(([typed, at]) => instantToLocalInput(at, lot.timeZone) !== typed.slice(0, 16));
  if (!moved) return null;
  const [typed, at] = moved;
  // The typed text is a wall-clock time; formatting it as UTC prints it as typed.
  const asTyped = formatTime(new Date(`${typed.slice(0, 16)}:00Z`), "UTC");
  return `The clocks go forward that night, so ${asTyped} does not exist at this lot; that time counts as ${formatTime(at, lot.timeZone)}.`;
}

function cancellationPolicy(lot: Lot) {
  const late = lot.cancelLateRefundPercent;
  const before = lot.cancelFullRefundMinutesBefore;
  const cutoff = before === 0 ? "until your arrival time" : `until ${formatMinutes(before)} before arrival`;
  return `Full refund ${cutoff}${late > 0 ? `, ${late}% after that` : ", none after that"}.`;
}

export default async function LotPage({ params, searchParams }: Props) {
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const lot = await lotFor(id);
  if (!lot) notFound();
  const db = await getDb();
  const now = new Date();
  const win = windowFrom(sp, lot, now);
  const [counts, spots, caller] = await Promise.all([
    activeSpotCounts(db, [lot.id]).then((m) => m.get(lot.id)!),
    listSpots(db, lot.id),
    getSessionCaller(),
  ]);

  // The same computation as GET /v1/lots/{id}/availability: free spots per type and the quote.
  let availability: TypeAvailability[] | null = null;
  let freeIds = new Set<string>();
  if (win.range) {
    const { start, end } = win.range;
    const rows = await freeSpotCounts(db, lot.id, start, end);
    availability = VEHICLE_TYPES.map((t) => {
      const row = rows.find((r) => r.vehicleType === t);
      const { quote } = priceWithCounts(lot, t, start, end, rows);
      return {
        vehicleType: t,
        total: row?.total ?? 0,
        free: row?.free ?? 0,
        amount: quote.total,
        lineItems: quote.line_items.map((i) => ({ reason: i.reason, amount: i.amount })),
      };
    });
    if (spots.length <= SPOT_MAP_LIMIT) {
      const free = await Promise.all(
        VEHICLE_TYPES.map((t) =>
          freeSpotCandidates(db, { lotId: lot.id, vehicleType: t, start, end, limit: SPOT_MAP_LIMIT }),
        ),
      );
      freeIds = new Set(free.flat().map((s) => s.id));
    }
  }
  const fallbackAvailability = VEHICLE_TYPES.map((t) => ({
    vehicleType: t,
    total: counts[t],
    free: null,
    amount: null,
    lineItems: [],
  }));

  const asked = one(sp.type);
  const vehicleType: VehicleType =
    VEHICLE_TYPES.find((t) => t === asked) ??
    VEHICLE_TYPES.find((t) => (availability?.find((a) => a.vehicleType === t)?.free ?? counts[t]) > 0) ??
    "compact";

  return (
    <div className="lot-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Lots</Link> <span aria-hidden="true">/</span> <span aria-current="page">{lot.name}</span>
      </nav>
      <header className="page-head">
        <h1>{lot.name}</h1>
        <p className="muted">{lot.address}</p>
      </header>

      <div className="lot-layout">
        <div className="lot-main">
          <BookingForm
            lotId={lot.id}
            currency={lot.currency}
            zoneLabel={describeTimeZone(lot.timeZone, now)}
            start={win.startLocal}
            end={win.endLocal}
            vehicleType={vehicleType}
            minStart={instantToLocalInput(now, lot.timeZone)}
            availability={availability ?? fallbackAvailability}
            windowError={win.error}
            windowNotice={win.range ? win.notice : null}
            signedIn={!!caller}
          />
          {spots.length > 0 && spots.length <= SPOT_MAP_LIMIT && (
            <section className="card" aria-labelledby="map-heading">
              <div className="section-head">
                <h2 id="map-heading">Spot map</h2>
                {win.range && (
                  <p className="muted small">{formatRange(win.range.start, win.range.end, lot.timeZone)}</p>
                )}
              </div>
              <SpotMap spots={spots} free={freeIds} />
            </section>
          )}
        </div>

        <aside className="lot-aside">
          <section className="card" aria-labelledby="details-heading">
            <h2 id="details-heading">About this lot</h2>
            <dl className="facts">
              <div>
                <dt>Local time</dt>
                <dd>
                  {formatTime(now, lot.timeZone)} · {describeTimeZone(lot.timeZone, now)}
                </dd>
              </div>
              <div>
                <dt>Currency</dt>
                <dd>
                  {lot.currency} ({currencySymbol(lot.currency)})
                </dd>
              </div>
              <div>
                <dt>Grace period</dt>
                <dd>{lot.graceMinutes} minutes after your arrival time</dd>
              </div>
              <div>
                <dt>Cancellation</dt>
                <dd>{cancellationPolicy(lot)}</dd>
              </div>
              {lot.noShowPenalty > 0 && (
                <div>
                  <dt>No-show fee</dt>
                  <dd>{formatMoney(lot.noShowPenalty, lot.currency)}</dd>
                </div>
              )}
            </dl>
          </section>
          <section className="card" aria-labelledby="rates-heading">
            <h2 id="rates-heading">Prices</h2>
            <RatePlanSummary plan={lotRatePlan(lot)} currency={lot.currency} />
          </section>
          <section className="card" aria-labelledby="spots-heading">
            <h2 id="spots-heading">Spots</h2>
            <SpotCountList counts={counts} />
          </section>
        </aside>
      </div>
    </div>
  );
}
