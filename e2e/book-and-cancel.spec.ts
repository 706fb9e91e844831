import { expect, test } from "@playwright/test";
import { fillWindow } from "./support";

// The browser is in New York; the times typed and shown must be Tokyo's, the lot's zone.
test.use({ timezoneId: "America/New_York" });

const DRIVER = { email: "driver@spotkeeper.demo", password: "spotkeeper-demo" };

test("a driver signs in, books a spot in Shibuya Mini Park, pays, sees it under My reservations and cancels it", async ({
  page,
}) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Shibuya Mini Park" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Shibuya Mini Park" })).toBeVisible();
  await expect(page.getByText("Times are local to the lot: Japan Standard Time (GMT+9)")).toBeVisible();

  // Signed out, booking starts with signing in, and comes back to the lot.
  await page.getByRole("link", { name: "Sign in to book" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByLabel("Email").fill(DRIVER.email);
  await page.getByLabel("Password").fill(DRIVER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Shibuya Mini Park" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Each run has a fresh database; a retry or --repeat-each books its own day next January, so an
  // earlier attempt's booking never changes what this one sees.
  const year = new Date().getFullYear() + 1;
  const info = test.info();
  const day = String(1 + ((info.repeatEachIndex * 3 + info.retry) % 28)).padStart(2, "0");
  await fillWindow(page, `${year}-01-${day}T10:00`, `${year}-01-${day}T12:00`);
  await page.getByRole("radio", { name: /Compact/ }).check();
  await expect(page.getByText("updating availability")).toHaveCount(0);
  await expect(page.getByTestId("availability-compact")).toHaveText("2 of 2 free");
  // Yen have no minor unit: a whole number of yen, no decimals.
  const quote = page.getByTestId("quote");
  await expect(quote).toHaveText(/^¥[\d,]+$/);
  const price = (await quote.textContent())!;
  await page.getByLabel(/Licence plate/).fill("sk 123");
  await page.getByRole("button", { name: "Book" }).click();

  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  // The confirmation page (issue 12) replaced the list's "held for you" banner.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your spot is held — pay to confirm it");
  const booking = page.getByTestId("reservation").filter({ hasText: `Jan ${Number(day)}, ${year}` });
  await expect(booking).toHaveCount(1);
  await expect(booking).toContainText("Shibuya Mini Park");
  await expect(booking).toContainText(`Jan ${Number(day)}, ${year}, 10:00 AM – 12:00 PM`);
  await expect(booking).toContainText("GMT+9");
  await expect(booking).toContainText("SK123");
  await expect(booking).toContainText(price);
  await expect(booking).toContainText("Awaiting payment");

  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  // Demo payments offer the test cards as choices (issue 12), Visa first.
  await expect(booking.getByRole("radio", { name: /Visa/ })).toBeChecked();
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking).toContainText("Paid. Your spot is confirmed.");
  await expect(booking).toContainText("Confirmed");

  await booking.getByRole("button", { name: "Cancel booking" }).click();
  await expect(booking).toContainText(`Refund if you cancel now: ${price} of ${price} paid.`);
  await booking.getByRole("button", { name: "Confirm cancellation" }).click();
  await expect(booking).toContainText(`Cancelled. ${price} will be refunded.`);
  await expect(booking.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(booking.getByRole("button", { name: "Cancel booking" })).toHaveCount(0);
});
