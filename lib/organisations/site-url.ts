/** The site's public address for links: NEXTAUTH_URL when set (a forged Host never ends up in a link), else the request's. */
export function siteUrl(req?: Request): string {
  if (process.env.NEXTAUTH_URL) return process.env.NEXTAUTH_URL.replace(/\/$/, "");
  return req ? new URL(req.url).origin : "http://localhost:3000";
}
