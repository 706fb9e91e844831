/**
 * Linux input event codes (include/uapi/linux/input-event-codes.h) for what a keyboard-wedge scanner
 * types, mapped to characters on the US layout scanners use by default. Only what plates, QR tokens
 * (base64url and dots) and pass URLs contain needs to be here; other keys are ignored.
 */
export const EV_KEY = 1;
export const KEY_RELEASED = 0;
export const KEY_PRESSED = 1;

export const KEY_TAB = 15;
export const KEY_ENTER = 28;
export const KEY_KPENTER = 96;
export const KEY_LEFTSHIFT = 42;
export const KEY_RIGHTSHIFT = 54;
export const KEY_CAPSLOCK = 58;

/** code → [unshifted, shifted] */
export const KEYMAP = new Map<number, [string, string]>();

function row(first: number, plain: string, shifted: string) {
  [...plain].forEach((c, i) => KEYMAP.set(first + i, [c, shifted[i]!]));
}
row(2, "1234567890-=", "!@#$%^&*()_+");
row(16, "qwertyuiop[]", "QWERTYUIOP{}");
row(30, "asdfghjkl;'`", 'ASDFGHJKL:"~');
row(43, "\\zxcvbnm,./", "|ZXCVBNM<>?");
KEYMAP.set(57, [" ", " "]);
// Keypad, for scanners set to send digits as keypad keys (NumLock assumed on).
row(71, "789-456+1230.", "789-456+1230.");
KEYMAP.set(55, ["*", "*"]);
KEYMAP.set(98, ["/", "/"]);
