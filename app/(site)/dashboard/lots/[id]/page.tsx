import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { Lot, OrganisationRole } from "@/db/schema";
import { authorizeLot, hasRole } from "@/lib/auth/lot-access";
import { getSessionCaller } from "@/lib/auth/session";
import { isApiError } from "@/lib/errors";
import { describeTimeZone, formatDate, formatTime } from "@/components/format";
import { GatesSection } from "@/components/dashboard/lot/gates-section";
import { MoneySection } from "@/components/dashboard/lot/money-section";
import { ReservationsSection } from "@/components/dashboard/lot/reservations-section";
import { SettingsSection } from "@/components/dashboard/lot/settings-section";
import { SpotsSection } from "@/components/dashboard/lot/spots-section";
import { TodaySection } from "@/components/dashboard/lot/today-section";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Manage lot" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };
const SECTIONS = ["today", "reservations", "spots", "gates", "money", "settings"] as const;
type Section = (typeof SECTIONS)[number];
const SECTION_LABELS: Record<Section, string> = {
  today: "Today",
  reservations: "Reservations",
  spots: "Spots",
  gates: "Gates",
  money: "Money",
  settings: "Settings & prices",
};
/** The role each section needs (lib/auth/lot-access.ts): attendants run the day, managers the lot, owners the money. */
const SECTION_ROLE: Record<Section, OrganisationRole> = {
  today: "attendant",
  reservations: "attendant",
  gates: "attendant",
  spots: "manager",
  settings: "manager",
  money: "owner",
};

/** One lot as its operators run it: a section at a time, chosen in the URL (?section=…). */
export default async function ManageLotPage({ params, searchParams }: Props) {
  const [{ id }, sp] = await Promise.all([params, searchParams]);
  const caller = await getSessionCaller();
  if (!caller) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/dashboard/lots/${id}`)}`);
  if (caller.role !== "operator") redirect("/dashboard");
  if (!z.uuid().safeParse(id).success) notFound();
  let lot: Lot;
  let role: OrganisationRole;
  try {
    // A lot of another organisation does not exist for this operator (404, as in the API).
    ({ lot, role } = await authorizeLot(await getDb(), caller, id, "attendant"));
  } catch (err) {
    if (isApiError(err) && err.code === "not_found") notFound();
    throw err;
  }
  const now = new Date();
  const sections = SECTIONS.filter((s) => hasRole(role, SECTION_ROLE[s]));
  const section: Section = sections.find((s) => s === sp.section) ?? "today";
  const href = (s: Section, extra: Record<string, string> = {}) =>
    `/dashboard/lots/${lot.id}?${new URLSearchParams({ section: s, ...extra })}`;

  return (
    <div>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/dashboard">Dashboard</Link> <span aria-hidden="true">/</span>{" "}
        <span aria-current="page">{lot.name}</span>
      </nav>
      <header className="page-head">
        <h1>{lot.name}</h1>
        <p className="muted">
          {formatDate(now, lot.timeZone)} · {formatTime(now, lot.timeZone)} · {describeTimeZone(lot.timeZone, now)} ·{" "}
          {lot.currency}
        </p>
      </header>
      <nav aria-label="Lot sections" className="tabs">
        {sections.map((s) => (
          <Link
            key={s}
            href={href(s)}
            className={`tab${s === section ? " is-current" : ""}`}
            aria-current={s === section ? "page" : undefined}
          >
            {SECTION_LABELS[s]}
          </Link>
        ))}
      </nav>
      {section === "today" && <TodaySection lot={lot} now={now} />}
      {section === "reservations" && (
        <ReservationsSection lot={lot} sp={sp} pageHref={(extra) => href("reservations", extra)} />
      )}
      {section === "spots" && <SpotsSection lotId={lot.id} now={now} />}
      {section === "gates" && <GatesSection lot={lot} />}
      {section === "money" && <MoneySection lot={lot} now={now} />}
      {section === "settings" && <SettingsSection lot={lot} now={now} />}
    </div>
  );
}
