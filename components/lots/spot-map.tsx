import type { Spot } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { VEHICLE_LABELS } from "@/components/format";

/** Past this many spots a floor plan stops being readable; the counts say enough. */
export const SPOT_MAP_LIMIT = 400;

function Level({ level, spots, free }: { level: string; spots: Spot[]; free: Set<string> }) {
  // Spots added in several batches can share coordinates; then the level falls back to label order.
  const cells = new Set(spots.map((s) => `${s.x}:${s.y}`));
  const placed = cells.size === spots.length;
  return (
    <section className="spot-level" aria-label={`Level ${level}`}>
      <h3 className="spot-level-name">Level {level}</h3>
      <ol
        className={`spot-grid${placed ? "" : " spot-grid-flow"}`}
        style={placed ? ({ "--cols": Math.max(...spots.map((s) => s.x)) + 1 } as React.CSSProperties) : undefined}
      >
        {spots.map((s) => {
          const state = !s.active ? "inactive" : free.has(s.id) ? "free" : "taken";
          return (
            <li
              key={s.id}
              className={`spot spot-${s.vehicleType} spot-${state}`}
              style={placed ? { gridColumn: s.x + 1, gridRow: s.y + 1 } : undefined}
              title={`${s.label} · ${VEHICLE_LABELS[s.vehicleType]} · ${state}`}
            >
              <span className="spot-label">{s.label.replace(`${s.level}-`, "")}</span>
              <span className="visually-hidden">
                {VEHICLE_LABELS[s.vehicleType]}, {state}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function SpotMap({ spots, free }: { spots: Spot[]; free: Set<string> }) {
  const levels = [...new Set(spots.map((s) => s.level))];
  return (
    <div className="spot-map">
      <ul className="legend" aria-label="Legend">
        {VEHICLE_TYPES.map((t) => (
          <li key={t}>
            <span className={`legend-swatch spot-${t}`} aria-hidden="true" /> {VEHICLE_LABELS[t]}
          </li>
        ))}
        <li>
          <span className="legend-swatch spot-taken" aria-hidden="true" /> Booked for these times
        </li>
      </ul>
      {levels.map((level) => (
        <Level key={level} level={level} spots={spots.filter((s) => s.level === level)} free={free} />
      ))}
    </div>
  );
}
