"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type OccupancyPoint = { hour: string; compact: number; large: number; ev: number; handicapped: number };

const SERIES = [
  { key: "compact", name: "Compact", color: "#2e90fa" },
  { key: "large", name: "Large", color: "#7a5af8" },
  { key: "ev", name: "EV charging", color: "#12b76a" },
  { key: "handicapped", name: "Accessible", color: "#f79009" },
] as const;

/** Spots taken per hour of the lot's day, stacked by type. The table beside it carries the same numbers. */
export function OccupancyChart({ data, label }: { data: OccupancyPoint[]; label: string }) {
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {/* Recharts drops the labels that would overlap: every third hour on a desktop, fewer on a phone. */}
          <XAxis dataKey="hour" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="a" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
