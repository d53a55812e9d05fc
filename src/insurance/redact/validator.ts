/**
 * The validator functions the detectors use, each imported from its own CommonJS file so only
 * those load (the package root requires all of validator).
 */
import isCreditCard from 'validator/lib/isCreditCard.js';
import isEmail from 'validator/lib/isEmail.js';
import isIBANExports from 'validator/lib/isIBAN.js';
import isIdentityCard from 'validator/lib/isIdentityCard.js';
import isIP from 'validator/lib/isIP.js';
import isLuhnNumber from 'validator/lib/isLuhnNumber.js';

/**
 * lib/isIBAN.js also exports `locales`, so unlike the other files it does not set
 * `module.exports` to the function: Node's ESM loader (and esbuild's CJS output for a
 * `"type": "module"` package) hands back the exports object, bundlers that honour `__esModule`
 * the function.
 */
const isIBAN: typeof isIBANExports =
  (isIBANExports as unknown as { default?: typeof isIBANExports }).default ?? isIBANExports;

export { isCreditCard, isEmail, isIBAN, isIdentityCard, isIP, isLuhnNumber };
