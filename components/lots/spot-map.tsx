import type { Spot } from "@/db/schema";
import { VEHICLE_TYPES } from "@/lib/api/schemas";
import { VEHICLE_LABELS } from "@/components/format";

/** Past this many spots a floor plan stops being readable; the counts say enough. */
export const SPOT_MAP_LIMIT = 400;

function Level({
  level,
  spots,
  free,
  highlight,
}: {
  level: string;
  spots: Spot[];
  free: Set<string>;
  highlight?: string;
}) {
  // Spots added in several batches can share coordinates; then the level falls back to label order.
  const cells = new Set(spots.map((s) => `${s.x}:${s.y}`));
  const placed = cells.size === spots.length;
  // A level's coordinates need not start at 0 (spots removed, a batch placed further along); the
  // plan starts at its first occupied row and column so it never opens on empty space.
  const x0 = Math.min(...spots.map((s) => s.x));
  const y0 = Math.min(...spots.map((s) => s.y));
  const cols = placed ? Math.max(...spots.map((s) => s.x)) - x0 + 1 : Math.min(spots.length, 12);
  const headingId = `level-${level.replace(/\W/g, "_")}`;
  return (
    <section className="spot-level" aria-labelledby={headingId}>
      <h3 className="spot-level-name" id={headingId}>
        Level {level}
      </h3>
      {/* A focusable region, so keyboard users can scroll a plan wider than the screen (axe: scrollable-region-focusable). */}
      <div className="spot-scroll" tabIndex={0} role="region" aria-label={`Level ${level} plan, ${spots.length} spots`}>
        <ol className={`spot-grid${placed ? "" : " spot-grid-flow"}`} style={{ "--cols": cols } as React.CSSProperties}>
          {spots.map((s) => {
            const state = !s.active ? "inactive" : free.has(s.id) ? "free" : "taken";
            const yours = s.id === highlight;
            return (
              <li
                key={s.id}
                className={`spot spot-${s.vehicleType} spot-${state}${yours ? " spot-yours" : ""}`}
                style={placed ? { gridColumn: s.x - x0 + 1, gridRow: s.y - y0 + 1 } : undefined}
                title={`${s.label} · ${VEHICLE_LABELS[s.vehicleType]} · ${yours ? "your spot" : state}`}
                data-testid={yours ? "your-spot" : undefined}
              >
                <span className="spot-label">{s.label.replace(`${s.level}-`, "")}</span>
                <span className="visually-hidden">
                  {VEHICLE_LABELS[s.vehicleType]}, {yours ? "your spot" : state}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
      {cols > 5 && (
        <p className="spot-scroll-hint muted small" aria-hidden="true">
          Swipe or scroll sideways to see the whole level →
        </p>
      )}
    </section>
  );
}

export function SpotMap({ spots, free, highlight }: { spots: Spot[]; free: Set<string>; highlight?: string }) {
  const levels = [...new Set(spots.map((s) => s.level))];
  return (
    <div className="spot-map">
      <ul className="legend" aria-label="Legend">
        {VEHICLE_TYPES.map((t) => (
          <li key={t}>
            <span className={`legend-swatch spot-${t}`} aria-hidden="true" /> {VEHICLE_LABELS[t]}
          </li>
        ))}
        {highlight ? (
          <li>
            <span className="legend-swatch spot-yours" aria-hidden="true" /> Your spot
          </li>
        ) : (
          <li>
            <span className="legend-swatch spot-taken" aria-hidden="true" /> Booked for these times
          </li>
        )}
      </ul>
      {levels.map((level) => (
        <Level
          key={level}
          level={level}
          spots={spots.filter((s) => s.level === level)}
          free={free}
          highlight={highlight}
        />
      ))}
    </div>
  );
}
