"use client";

import "leaflet/dist/leaflet.css";
import L from "leaflet";
import { useEffect } from "react";
import { MapContainer, Marker, TileLayer, Tooltip, useMap } from "react-leaflet";

export type MapPin = { id: string; name: string; lat: number; lng: number; price: string; href: string };

/** Pins are HTML (a DivIcon), not images: they show with no tiles and no icon files to fetch. */
const pinIcon = (price: string) =>
  L.divIcon({
    className: "price-pin",
    html: `<span>${price.replace(/[<>&"]/g, "")}</span>`,
    iconSize: undefined,
    iconAnchor: [0, 0],
  });

function FitBounds({ pins }: { pins: MapPin[] }) {
  const map = useMap();
  useEffect(() => {
    if (pins.length === 1) map.setView([pins[0]!.lat, pins[0]!.lng], 14);
    else map.fitBounds(L.latLngBounds(pins.map((p) => [p.lat, p.lng])), { padding: [40, 40], maxZoom: 14 });
  }, [map, pins]);
  return null;
}

export function LotMapLeaflet({ pins }: { pins: MapPin[] }) {
  return (
    <MapContainer
      className="lot-map-canvas"
      center={[pins[0]!.lat, pins[0]!.lng]}
      zoom={3}
      scrollWheelZoom={false}
      attributionControl={false}
    >
      {/* Tiles may fail to load (offline, blocked); the pins and the list do not depend on them. */}
      <TileLayer url="https://tile.openstreetmap.org/{z}/{x}/{y}.png" maxZoom={19} />
      <FitBounds pins={pins} />
      {pins.map((p) => (
        <Marker
          key={p.id}
          position={[p.lat, p.lng]}
          icon={pinIcon(p.price)}
          title={`${p.name}: ${p.price}`}
          alt={`${p.name}: ${p.price}`}
          keyboard
          eventHandlers={{ click: () => window.location.assign(p.href) }}
        >
          <Tooltip>{p.name}</Tooltip>
        </Marker>
      ))}
    </MapContainer>
  );
}
