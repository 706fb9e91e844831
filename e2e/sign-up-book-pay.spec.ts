import { expect, test } from "@playwright/test";
import { fillWindow } from "./support";

// A new driver creates an account from the lot page, books and pays; then makes an API token that
// works once and is refused once revoked.
test("a new driver signs up, books a spot, pays, and manages an API token", async ({ page, request }) => {
  const email = `new-${Date.now()}-${test.info().repeatEachIndex}@example.com`;
  await page.goto("/");
  await page.getByRole("link", { name: "Mission Bay Lot" }).click();
  await page.getByRole("link", { name: "Sign in to book" }).click();
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up\?callbackUrl=%2Flots%2F/);
  await page.getByLabel("Your name").fill("Nina Newcomer");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("a long new password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mission Bay Lot" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Your account/ })).toBeVisible();

  const year = new Date().getFullYear() + 1;
  const day = String(1 + (test.info().repeatEachIndex % 28)).padStart(2, "0");
  await fillWindow(page, `${year}-02-${day}T10:00`, `${year}-02-${day}T11:00`);
  await page.getByRole("radio", { name: /Large/ }).check();
  await expect(page.getByText("updating availability")).toHaveCount(0);
  const price = (await page.getByTestId("quote").textContent())!;
  await page.getByRole("button", { name: "Book" }).click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  const booking = page.getByTestId("reservation");
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking.getByRole("radio", { name: /Visa/ })).toBeChecked();
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking).toContainText("Confirmed");

  await page.goto("/account");
  await page.getByLabel("Name").fill("Script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("Shown once — copy it now").inputValue();
  expect(token).toMatch(/^sk_/);
  const me = await request.get("/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(await me.json()).toMatchObject({ email });
  await page.reload();
  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("cell", { name: /^Revoked / })).toBeVisible();
  expect((await request.get("/v1/me", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
});

test("the page after sign-in never leaves the site", async ({ page }) => {
  await page.goto("/sign-in?callbackUrl=%2F%09%2Fevil.com");
  await page.getByLabel("Email").fill("driver@spotkeeper.demo");
  await page.getByLabel("Password").fill("spotkeeper-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(page.context().pages()[0]!.url()).host);
  expect(page.url()).not.toContain("evil.com");
});
