"use client";

import { useState } from "react";

/**
 * "Near me": the browser's location, rounded to about 100 m, goes into the form as `near` so the
 * server can sort by distance. Without permission the search still works, just not by distance.
 */
export function NearMeButton({ near }: { near?: string }) {
  const [value, setValue] = useState(near ?? "");
  const [note, setNote] = useState<string | null>(null);
  return (
    <>
      <input type="hidden" name="near" value={value} />
      <button
        type="button"
        className="button button-secondary"
        aria-describedby={note ? "near-note" : undefined}
        onClick={() => {
          if (!navigator.geolocation) return setNote("Your browser cannot share a location.");
          setNote("Finding you…");
          navigator.geolocation.getCurrentPosition(
            (p) => {
              setValue(`${p.coords.latitude.toFixed(3)},${p.coords.longitude.toFixed(3)}`);
              setNote("Location set: choose Distance and search.");
            },
            () => setNote("No location shared; search by city instead."),
            { timeout: 8000 },
          );
        }}
      >
        {value ? "Near me ✓" : "Near me"}
      </button>
      {note && (
        <span id="near-note" className="hint" role="status">
          {note}
        </span>
      )}
    </>
  );
}
