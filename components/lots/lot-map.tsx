"use client";

import dynamic from "next/dynamic";
import type { MapPin } from "./lot-map-leaflet";

// Leaflet touches `window` when imported: the map is loaded in the browser only, after the list.
const LeafletMap = dynamic(() => import("./lot-map-leaflet").then((m) => m.LotMapLeaflet), {
  ssr: false,
  loading: () => <p className="muted small map-placeholder">Loading map…</p>,
});

export type { MapPin };

/** The lots with a price pin each. The list beside it is the accessible, always-working view. */
export function LotMap({ pins }: { pins: MapPin[] }) {
  if (pins.length === 0) return null;
  return (
    <section className="card lot-map" aria-label="Map of lots">
      <LeafletMap pins={pins} />
      <p className="muted small map-credit">
        Map data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors. Pins show the
        price.
      </p>
    </section>
  );
}
