"use client";

import { useEffect, useRef, useState } from "react";
import type { Decision as BridgeDecision, BridgeStatus } from "@spotkeeper/gate-kiosk/contract";

/** After the bridge refused or dropped the stream for good, try again this often. */
const RECONNECT_MS = 3_000;

export type BridgeFeed = { connected: boolean; status: BridgeStatus | null };

/**
 * Follows the bridge's Server-Sent Events. EventSource reconnects by itself after a dropped
 * connection; after a refusal (bridge not running yet, wrong origin) it gives up, so this opens a new
 * one a little later: a kiosk is switched on before or after its bridge, and must catch up either way.
 */
export function useBridgeFeed(bridgeUrl: string, onDecision: (d: BridgeDecision) => void): BridgeFeed {
  const [connected, setConnected] = useState(false);
  const [status, setStatus] = useState<BridgeStatus | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The latest handler, read when a decision arrives: a new function on each render of the caller
  // must not drop and reopen the stream.
  const handler = useRef(onDecision);
  useEffect(() => {
    handler.current = onDecision;
  });

  useEffect(() => {
    const source = new EventSource(`${bridgeUrl}/events`);
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(() => setAttempt((n) => n + 1), RECONNECT_MS);
    };
    source.addEventListener("status", (e) => setStatus(JSON.parse((e as MessageEvent<string>).data) as BridgeStatus));
    source.addEventListener("decision", (e) =>
      handler.current(JSON.parse((e as MessageEvent<string>).data) as BridgeDecision),
    );
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [bridgeUrl, attempt]);

  return { connected, status };
}
