import { isDeclaredRoute, type DeclaredRoute, type RouteDeclaration } from "@/lib/http/define-route";
import * as gatesGateidCommandsCommandid from "./gates/[gateId]/commands/[commandId]/route";
import * as gatesGateidOpen from "./gates/[gateId]/open/route";
import * as gatesCheckIn from "./gates/check-in/route";
import * as gatesCheckOut from "./gates/check-out/route";
import * as gatesCommandsCommandidAck from "./gates/commands/[commandId]/ack/route";
import * as gatesCommands from "./gates/commands/route";
import * as gatesKeys from "./gates/keys/route";
import * as gatesOfflineCache from "./gates/offline-cache/route";
import * as gatesReports from "./gates/reports/route";
import * as gatesSelf from "./gates/self/route";
import * as invitationsAccept from "./invitations/accept/route";
import * as meTokensTokenid from "./me/tokens/[tokenId]/route";
import * as meTokens from "./me/tokens/route";
import * as organisationsIdAuditLog from "./organisations/[id]/audit-log/route";
import * as organisationsIdInvitationsInvitationid from "./organisations/[id]/invitations/[invitationId]/route";
import * as organisationsIdInvitations from "./organisations/[id]/invitations/route";
import * as organisationsIdMembersUserid from "./organisations/[id]/members/[userId]/route";
import * as organisationsIdMembers from "./organisations/[id]/members/route";
import * as organisations from "./organisations/route";
import * as lotsIdAvailability from "./lots/[id]/availability/route";
import * as lotsIdGateEvents from "./lots/[id]/gate-events/route";
import * as lotsIdGatesGateidRotateSecret from "./lots/[id]/gates/[gateId]/rotate-secret/route";
import * as lotsIdGates from "./lots/[id]/gates/route";
import * as lotsIdPayments from "./lots/[id]/payments/route";
import * as lotsId from "./lots/[id]/route";
import * as lotsIdSpots from "./lots/[id]/spots/route";
import * as lots from "./lots/route";
import * as me from "./me/route";
import * as openapiJson from "./openapi.json/route";
import * as payments from "./payments/route";
import * as quotes from "./quotes/route";
import * as reservationsIdCancel from "./reservations/[id]/cancel/route";
import * as reservationsIdExtend from "./reservations/[id]/extend/route";
import * as reservationsIdPass from "./reservations/[id]/pass/route";
import * as reservationsIdPayments from "./reservations/[id]/payments/route";
import * as reservationsId from "./reservations/[id]/route";
import * as reservations from "./reservations/route";

// Every /v1 route module, for GET /v1/openapi.json. Next.js bundles each route on its own, so the
// document can only describe what is imported here; tests/route-coverage.test.ts fails when a route
// file is missing from this list or exports a handler not made by defineRoute.
const MODULES = [
  invitationsAccept,
  meTokensTokenid,
  meTokens,
  organisationsIdAuditLog,
  organisationsIdInvitationsInvitationid,
  organisationsIdInvitations,
  organisationsIdMembersUserid,
  organisationsIdMembers,
  organisations,
  gatesGateidCommandsCommandid,
  gatesGateidOpen,
  gatesCheckIn,
  gatesCheckOut,
  gatesCommandsCommandidAck,
  gatesCommands,
  gatesKeys,
  gatesOfflineCache,
  gatesReports,
  gatesSelf,
  lotsIdAvailability,
  lotsIdGateEvents,
  lotsIdGatesGateidRotateSecret,
  lotsIdGates,
  lotsIdPayments,
  lotsId,
  lotsIdSpots,
  lots,
  me,
  openapiJson,
  payments,
  quotes,
  reservationsIdCancel,
  reservationsIdExtend,
  reservationsIdPass,
  reservationsIdPayments,
  reservationsId,
  reservations,
];

/** Read lazily: this module and the document's route import each other. */
export function declaredHandlers(): DeclaredRoute[] {
  return MODULES.flatMap((m) => Object.values(m).filter(isDeclaredRoute));
}

export function declaredRoutes(): RouteDeclaration[] {
  return declaredHandlers().map((handler) => handler.route);
}
