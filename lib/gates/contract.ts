// The gate contract lives in the bridge's package (gate-kiosk/src/contract.ts), shared with the kiosk
// page; the server's code imports it from here.
export * from "@spotkeeper/gate-kiosk/contract";
