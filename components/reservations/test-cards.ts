import type { TestCard } from "./pay-control";

/**
 * The keyless demo processor's cards (lib/payments/demo-provider.ts), offered as choices so a visitor
 * can try every outcome, including a typing mistake, without typing a card number into a demo.
 */
export const DEMO_TEST_CARDS: TestCard[] = [
  { number: "4242 4242 4242 4242", label: "Visa", outcome: "pays" },
  { number: "5555 5555 5555 4444", label: "Mastercard", outcome: "pays" },
  { number: "4000 0000 0000 0002", label: "Declined card", outcome: "the bank declines it" },
  { number: "4000 0000 0000 9995", label: "Insufficient funds", outcome: "declined for insufficient funds" },
  { number: "4242 4242 4242 4241", label: "Mistyped number", outcome: "one digit wrong" },
];
