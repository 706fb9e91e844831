import { expect, test, type Page } from "@playwright/test";
import { attachScreenshot, dayFor, DRIVER, fillWindow, signIn } from "./support";

// The browser is in New York; the lot is in Tokyo: times typed and shown are the lot's.
test.use({ timezoneId: "America/New_York" });

async function bookShibuya(page: Page, date: string, plate: string) {
  await page.goto(`/?q=tokyo`);
  await page.getByRole("link", { name: "Shibuya Mini Park" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Shibuya Mini Park" })).toBeVisible();
  await fillWindow(page, `${date}T10:00`, `${date}T12:00`);
  await page.getByRole("radio", { name: /Compact/ }).check();
  await expect(page.getByText("updating availability")).toHaveCount(0);
  await expect(page.getByTestId("availability-compact")).toHaveText(/of 2 free/);
  const price = (await page.getByTestId("quote").textContent())!;
  expect(price).toMatch(/^¥[\d,]+$/);
  await page.getByLabel(/Licence plate/).fill(plate);
  await page.getByRole("button", { name: "Book" }).click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your spot is held — pay to confirm it");
  return price;
}

test("a driver finds a lot by city, books, pays with the test card, extends, cancels and still sees the refund after a reload", async ({
  page,
}) => {
  const year = new Date().getFullYear() + 1;
  const date = `${year}-01-${dayFor(test.info())}`;
  await page.goto("/");
  await page.getByLabel("City, address or lot name").fill("Tokyo");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=Tokyo/);
  const results = page
    .getByRole("region", { name: "Parking lots" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading") });
  await expect(results).toHaveCount(1);
  await expect(results).toContainText("Shibuya Mini Park");
  await attachScreenshot(page, test.info(), "search by city");

  await page.getByRole("link", { name: "Sign in" }).first().click();
  await page.getByLabel("Email").fill(DRIVER.email);
  await page.getByLabel("Password").fill(DRIVER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const price = await bookShibuya(page, date, "sk 123");
  const booking = page.getByTestId("reservation");
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking.getByRole("radio", { name: /Visa/ })).toBeChecked();
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You're booked");
  await expect(booking).toContainText("Confirmed");
  await expect(booking).toContainText("SK123");
  await expect(page.getByTestId("your-spot")).toHaveCount(1);
  await expect(page.getByRole("img", { name: /QR gate pass for spot/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add to calendar (.ics)" })).toHaveAttribute("href", /calendar\.ics$/);
  await expect(page.getByTestId("receipt-net")).toHaveText(price);
  await attachScreenshot(page, test.info(), "confirmation");

  // Extend by an hour: the price of the added time first, then the charge.
  await booking.getByRole("button", { name: "Extend" }).click();
  await booking.getByRole("button", { name: "Get price" }).click();
  await expect(booking).toContainText(/Extending costs ¥[\d,]+/);
  await booking.getByRole("button", { name: "Confirm extension" }).click();
  await expect(booking).toContainText(/Extended\. ¥[\d,]+ was charged\./);
  await expect(booking).toContainText("1:00 PM");

  await booking.getByRole("button", { name: "Cancel booking" }).click();
  await expect(booking).toContainText(/Refund if you cancel now: ¥[\d,]+ of ¥[\d,]+ paid\./);
  await booking.getByRole("button", { name: "Confirm cancellation" }).click();
  await expect(booking).toContainText(/Cancelled\. ¥[\d,]+ will be refunded\./);
  await page.reload();
  await expect(page.getByTestId("refund")).toContainText(/Refunded ¥[\d,]+ of ¥[\d,]+ paid\./);
  await expect(page.getByTestId("reservation").getByText("Cancelled", { exact: true })).toBeVisible();
  await page.goto("/reservations?tab=past");
  await expect(
    page.getByTestId("reservation").filter({ hasText: "SK123" }).first().getByTestId("refund"),
  ).toBeVisible();
});

test("a declined card and a mistyped card number each say clearly what happened", async ({ page }) => {
  const year = new Date().getFullYear() + 1;
  await signIn(page, DRIVER);
  const price = await bookShibuya(page, `${year}-02-${dayFor(test.info())}`, "DECL 1");
  const booking = page.getByTestId("reservation");
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await booking.getByRole("radio", { name: /Declined card/ }).check();
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking.getByRole("alert")).toHaveText("Your card was declined.");
  await booking.getByRole("radio", { name: /Mistyped number/ }).check();
  await booking.getByRole("button", { name: `Pay ${price}` }).click();
  await expect(booking.getByRole("alert")).toHaveText(
    "That card number was not recognised. Check the digits and try again — nothing was charged.",
  );
  await expect(booking).toContainText("Awaiting payment");
  await attachScreenshot(page, test.info(), "card errors");
});
