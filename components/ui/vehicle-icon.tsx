import type { VehicleType } from "@/db/schema";

// Simple line icons drawn here rather than an icon font: nothing to download, and they inherit color.
const PATHS: Record<VehicleType, React.ReactNode> = {
  compact: (
    <>
      <path d="M5 16V12.5L7 8h10l2 4.5V16" />
      <path d="M4 16h16v2H4z" />
      <circle cx="8" cy="18" r="1.6" />
      <circle cx="16" cy="18" r="1.6" />
    </>
  ),
  large: (
    <>
      <path d="M3 16V7h11v9" />
      <path d="M14 10h4l3 3v3" />
      <path d="M3 16h18" />
      <circle cx="7" cy="18" r="1.6" />
      <circle cx="17" cy="18" r="1.6" />
    </>
  ),
  ev: <path d="M13 3L6 13h5l-1 8 7-10h-5z" />,
  handicapped: (
    <>
      <circle cx="11" cy="4.5" r="1.6" />
      <path d="M11 7v6h5l2 5" />
      <path d="M8.5 10.5a5 5 0 1 0 6.5 7" />
    </>
  ),
};

export function VehicleIcon({ type, size = 18 }: { type: VehicleType; size?: number }) {
  return (
    <svg
      className={`vehicle-icon vehicle-${type}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {PATHS[type]}
    </svg>
  );
}
