import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { attachScreenshot, OPERATOR, signIn } from "./support";

test("an operator edits the rate plan and the site quotes the new price", async ({ page }) => {
  await signIn(page, OPERATOR, "/dashboard");
  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Manage Mission Bay Lot" }).click();
  await expect(page).toHaveURL(/\/dashboard\/lots\/[0-9a-f-]{36}/);
  const lotUrl = page.url().split("?")[0]!;
  const lotId = lotUrl.split("/").pop()!;
  await page.getByRole("link", { name: "Settings & prices" }).click();
  // No bands apply on a weekday at 10:00; weekend ×1.25. Compact from $4.00 to $7.00 an hour.
  await page.getByLabel("Compact", { exact: true }).fill("7");
  await expect(page.getByRole("figure", { name: /Price of one hour/ })).toBeVisible();
  await page.getByRole("button", { name: "Save rate plan" }).click();
  await expect(page.getByText("Rate plan saved.")).toBeVisible();
  await attachScreenshot(page, test.info(), "rate plan");

  // A Wednesday two hours, 10:00–12:00 on the lot's clock, next year.
  const d = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 4, 1));
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1);
  const date = d.toISOString().slice(0, 10);
  await page.goto(`/lots/${lotId}?start=${date}T10:00&end=${date}T12:00&type=compact`);
  await expect(page.getByTestId("quote")).toHaveText("$14.00");
});

test("an operator takes a spot out of service, opens a barrier with a reason and exports revenue", async ({ page }) => {
  await signIn(page, OPERATOR, "/dashboard");
  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Manage Mission Bay Lot" }).click();
  await expect(page).toHaveURL(/\/dashboard\/lots\/[0-9a-f-]{36}/);
  const lotUrl = page.url().split("?")[0]!;

  await page.goto(`${lotUrl}?section=spots`);
  const spot = page.getByTestId("spot-G-L005");
  await spot.getByRole("button", { name: "Take G-L005 out of service" }).click();
  await expect(spot).toContainText("Out of service");
  await expect(spot.getByRole("button", { name: "Put G-L005 back in service" })).toBeVisible();

  await page.goto(`${lotUrl}?section=gates`);
  const gate = page.getByTestId("gate-Entry");
  await gate.getByLabel("Reason for opening Entry").fill("Driver lost ticket, verified by phone");
  await gate.getByRole("button", { name: "Open Entry barrier" }).click();
  await expect(gate).toContainText("Open command sent to the gate.");
  const logRow = page.getByTestId("gate-event").filter({ hasText: "Driver lost ticket, verified by phone" });
  await expect(logRow).toHaveCount(1);
  await expect(logRow).toContainText("Opened by hand");
  await expect(logRow).toContainText("Omar Operator");
  await attachScreenshot(page, test.info(), "gates");

  await page.goto(`${lotUrl}?section=money`);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("revenue-mission-bay-lot.csv");
  const csv = await readFile((await file.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe('"lot","time_zone","day","currency","charged","refunded","net","movements"');
});
