import { setSpotService } from "@/app/actions/dashboard";
import { getDb } from "@/db/client";
import { bookingsNeedingASpot } from "@/db/queries/dashboard";
import { listSpots } from "@/db/queries/lots";
import { ActionForm } from "@/components/dashboard/action-form";
import { VehicleIcon } from "@/components/ui/vehicle-icon";

/** Every spot with its service state, the bookings on it left to resolve, and the switch. */
export async function SpotsSection({ lotId, now }: { lotId: string; now: Date }) {
  const db = await getDb();
  const [spots, flagged] = await Promise.all([listSpots(db, lotId), bookingsNeedingASpot(db, lotId, now)]);
  const flaggedBySpot = new Map<string, number>();
  for (const f of flagged) flaggedBySpot.set(f.spotLabel, (flaggedBySpot.get(f.spotLabel) ?? 0) + 1);
  return (
    <section className="card" aria-labelledby="spots-heading">
      <h2 id="spots-heading">Spots</h2>
      <p className="muted small">
        Taking a spot out of service moves its upcoming bookings to a free spot of the same type (as does a car
        overstaying into the next booking); bookings with nowhere to go are listed under Today → Needs attention.
      </p>
      <ul className="spot-admin-list">
        {spots.map((s) => (
          <li key={s.id} className={s.active ? "" : "is-inactive"} data-testid={`spot-${s.label}`}>
            <span className="spot-admin-name">
              <VehicleIcon type={s.vehicleType} size={16} /> <strong>{s.label}</strong>{" "}
              <span className="muted small">level {s.level}</span>
            </span>
            <span className={`pill${s.active ? "" : " pill-warning"}`}>
              {s.active ? "In service" : "Out of service"}
            </span>
            {flaggedBySpot.get(s.label) && (
              <span className="pill pill-danger">{flaggedBySpot.get(s.label)} to resolve</span>
            )}
            <ActionForm
              action={setSpotService}
              hidden={{ lot_id: lotId, spot_id: s.id, in_service: s.active ? "0" : "1" }}
              submit={s.active ? `Take ${s.label} out of service` : `Put ${s.label} back in service`}
              pendingLabel="Working…"
              className="inline-action"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
