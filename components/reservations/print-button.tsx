"use client";

export function PrintButton() {
  return (
    <button type="button" className="button button-secondary button-small no-print" onClick={() => window.print()}>
      Print receipt
    </button>
  );
}
