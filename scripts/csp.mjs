// The Content Security Policy of Pocket CDP, in one place (docs/SECURITY.md says why each directive is
// there). svelte.config.js hands the directives to SvelteKit, which writes them into every prerendered
// page as a <meta> tag with the hash of its own inline bootstrap script; scripts/serve.mjs sends the
// same policy as a header, with that page's hashes, plus what a meta tag cannot carry
// (frame-ancestors). Keywords are written unquoted, as SvelteKit's `kit.csp.directives` wants them.
import { createHash } from 'node:crypto';

/**
 * The one style attribute the app needs: SvelteKit's route announcer (a visually hidden live region
 * in its generated root component, @sveltejs/kit src/core/sync/write_root.js) carries it, and no
 * option removes it. Allowed by its exact hash, for style attributes only; every other style
 * attribute is refused, and the app's own components set styles through the CSSOM (Svelte's
 * `style:` directives), which CSP does not govern. If a SvelteKit upgrade changes the text, the e2e
 * tour (tests/e2e/security.spec.ts) fails with the new hash in its message.
 */
const ANNOUNCER_STYLE =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const ANNOUNCER_HASH = `sha256-${createHash('sha256').update(ANNOUNCER_STYLE).digest('base64')}`;

/** @type {NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>} */
export const CSP_DIRECTIVES = {
  'default-src': ['self'],
  // 'wasm-unsafe-eval' lets sql.js compile its WebAssembly, and nothing else: no eval, no inline script.
  'script-src': ['self', 'wasm-unsafe-eval'],
  'style-src': ['self'],
  'style-src-attr': ['unsafe-hashes', /** @type {`sha256-${string}`} */ (ANNOUNCER_HASH)],
  'img-src': ['self'],
  'font-src': ['self'],
  'connect-src': ['self'],
  'worker-src': ['self'],
  'manifest-src': ['self'],
  'frame-src': ['none'],
  'object-src': ['none'],
  'base-uri': ['self'],
  'form-action': ['self'],
  'frame-ancestors': ['none']
};

/** Sent beside the policy on every response (docs/SECURITY.md). */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
};

// SvelteKit's own rule (runtime/server/page/csp.js): these keywords are quoted, as are hashes and
// nonces; anything else (a scheme, a host) is written as it is.
const QUOTED = new Set([
  'self',
  'unsafe-eval',
  'unsafe-hashes',
  'unsafe-inline',
  'none',
  'strict-dynamic',
  'report-sample',
  'wasm-unsafe-eval',
  'script'
]);
const CRYPTO = /^(nonce|sha\d\d\d)-/;

/** @param {string} source */
const quote = (source) => (QUOTED.has(source) || CRYPTO.test(source) ? `'${source}'` : source);

/**
 * A policy as header text, each directive's sources in order.
 * @param {Record<string, readonly string[]>} directives
 * @returns {string}
 */
export function policyText(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources.map(quote)].join(' '))
    .join('; ');
}

/**
 * The hashes and nonces a page's policy adds to each directive (SvelteKit adds the hash of its inline
 * bootstrap script to script-src), read from a policy's text.
 * @param {string} policy
 * @returns {Map<string, string[]>}
 */
function cryptoSources(policy) {
  /** @type {Map<string, string[]>} */
  const found = new Map();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (!name) continue;
    const crypto = sources
      .map((s) => s.replace(/^'(.*)'$/, '$1'))
      .filter((s) => CRYPTO.test(s) && /^[\w+/=-]+$/.test(s));
    if (crypto.length) found.set(name.toLowerCase(), crypto);
  }
  return found;
}

/**
 * The header for a response: the policy above in full, frame-ancestors included, plus the hashes the
 * page's own meta policy allows (its inline bootstrap script), so the header never blocks what the
 * page needs and never allows more than this file and those exact scripts.
 * @param {string | null} [metaPolicy] the page's <meta http-equiv="content-security-policy"> content
 * @returns {string}
 */
export function headerPolicy(metaPolicy) {
  const extra = metaPolicy ? cryptoSources(metaPolicy) : new Map();
  /** @type {Record<string, string[]>} */
  const directives = {};
  for (const [name, sources] of Object.entries(CSP_DIRECTIVES)) {
    if (!Array.isArray(sources)) continue;
    directives[name] = [...new Set([...sources, ...(extra.get(name) ?? [])])];
  }
  return policyText(directives);
}

/**
 * The content of a page's CSP meta tag, entities decoded, or null when it has none.
 * @param {string} html
 * @returns {string | null}
 */
export function metaPolicyOf(html) {
  const tag = /<meta\s[^>]*http-equiv=["']?content-security-policy["']?[^>]*>/i.exec(html)?.[0];
  const content = tag && /\scontent="([^"]*)"/i.exec(tag)?.[1];
  if (content == null) return null;
  return content
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
