const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/**
 * The page's own headers. Nothing loads, nothing runs, and no other site may frame it (clickjacking). Its
 * form's `Origin` is what proves the answer came from this page, and under the API's usual
 * `Referrer-Policy: no-referrer` a browser would send `Origin: null`; `same-origin` keeps it.
 */
export const CONSENT_PAGE_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Cache-Control": "no-store",
};

export interface Consent {
  /** The name the client registered under, if any (its own claim: the redirect host is what we know). */
  clientName: string | undefined;
  redirectUri: string;
  /** The authorization request, posted back unchanged with the user's decision. */
  fields: Record<string, string | undefined>;
}

/**
 * The consent page of GET /oauth/authorize. Every client may register itself, so the user — not Google's
 * remembered consent for this API — must approve each one: otherwise a link could sign a user in for a
 * client of anyone's making.
 */
export const consentPage = ({ clientName, redirectUri, fields }: Consent) => {
  const name = escapeHtml(clientName ?? "An application");
  const host = escapeHtml(new URL(redirectUri).host || redirectUri);
  const hidden = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([field, value]) => `<input type="hidden" name="${escapeHtml(field)}" value="${escapeHtml(value)}">`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Allow access? · Experience Layer</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem;margin:0 .5rem 0 0}</style></head><body><h1>Allow ${name} to use Experience Layer as you?</h1><p><strong>${name}</strong> asks to read and write your threads with everything your account may do. After you sign in with Google, it will be sent to <strong>${host}</strong>.</p><p>Continue only if you started this from ${name} and trust it.</p><form method="post" action="/oauth/authorize">${hidden}<button name="decision" value="approve">Continue with Google</button><button name="decision" value="deny">Cancel</button></form></body></html>`;
};
