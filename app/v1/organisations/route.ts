import { defineRoute } from "@/lib/http/define-route";
import { createOrganisation, myOrganisations } from "@/lib/organisations/manage-organisations";
import { CreateOrganisationInput, OrganisationOut } from "@/lib/organisations/schemas";
import { page } from "@/lib/api/schemas";
import { otherMethods } from "@/lib/http/unknown-route";

export const GET = defineRoute({
  method: "GET",
  path: "/v1/organisations",
  operationId: "listOrganisations",
  tag: "Organisations",
  summary: "The organisations the caller belongs to, with their role",
  auth: "driver",
  response: { description: "Organisations", schema: page(OrganisationOut) },
  handler: async ({ db, caller }) => ({ data: await myOrganisations(db, caller), next_cursor: null }),
});

export const POST = defineRoute({
  method: "POST",
  path: "/v1/organisations",
  operationId: "createOrganisation",
  tag: "Organisations",
  summary: "Found an organisation; the caller becomes its owner (and an operator)",
  auth: "driver",
  scope: "operate",
  body: CreateOrganisationInput,
  response: {
    status: 201,
    description: "Created",
    schema: OrganisationOut,
    headers: (org) => ({ Location: `/v1/organisations/${org.organisation_id}` }),
  },
  handler: ({ db, caller, body }) => createOrganisation(db, caller, body.name),
});

export const { PUT, PATCH, DELETE } = otherMethods();
