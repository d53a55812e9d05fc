/**
 * The libraries the detectors check candidates with, loaded the first time something is redacted
 * and never at import: Google's phone metadata (libphonenumber-js `max`, ~40 ms and ~2.5 MB of heap
 * to load) and six validator functions, each from its own CommonJS file so that only those load
 * (the package root requires all of validator).
 */
import type { CountryCode, NumberFound } from 'libphonenumber-js/max';
import type isCreditCardFunction from 'validator/lib/isCreditCard.js';
import type isEmailFunction from 'validator/lib/isEmail.js';
import type isIBANFunction from 'validator/lib/isIBAN.js';
import type isIdentityCardFunction from 'validator/lib/isIdentityCard.js';
import type isIPFunction from 'validator/lib/isIP.js';
import type isLuhnNumberFunction from 'validator/lib/isLuhnNumber.js';

export interface RedactionLibraries {
  findPhoneNumbersInText(text: string, options: { defaultCountry?: CountryCode; extended?: boolean }): NumberFound[];
  getCountryCallingCode(country: CountryCode): string;
  isCreditCard: typeof isCreditCardFunction;
  isEmail: typeof isEmailFunction;
  isIBAN: typeof isIBANFunction;
  isIdentityCard: typeof isIdentityCardFunction;
  isIP: typeof isIPFunction;
  isLuhnNumber: typeof isLuhnNumberFunction;
}

/**
 * A CommonJS file's function, however the loader hands it over: Node gives the exports object
 * (the function itself, or for lib/isIBAN.js, which also exports `locales`, an object with
 * `default`); bundlers that honour `__esModule` give the function.
 */
function functionOf<T>(module: unknown): T {
  let value: unknown = module;
  for (let depth = 0; depth < 3 && typeof value !== 'function'; depth += 1) value = (value as { default?: unknown } | undefined)?.default;
  if (typeof value !== 'function') throw new TypeError('zenrouter: a validator function could not be loaded');
  return value as T;
}

let loading: Promise<RedactionLibraries> | undefined;
let loaded: RedactionLibraries | undefined;

/** Loads the libraries once; later calls get the same promise. */
export function loadRedactionLibraries(): Promise<RedactionLibraries> {
  loading ??= Promise.all([
    import('libphonenumber-js/max'),
    import('validator/lib/isCreditCard.js'),
    import('validator/lib/isEmail.js'),
    import('validator/lib/isIBAN.js'),
    import('validator/lib/isIdentityCard.js'),
    import('validator/lib/isIP.js'),
    import('validator/lib/isLuhnNumber.js'),
  ]).then(([phone, isCreditCard, isEmail, isIBAN, isIdentityCard, isIP, isLuhnNumber]) => {
    loaded = {
      findPhoneNumbersInText: phone.findPhoneNumbersInText,
      getCountryCallingCode: phone.getCountryCallingCode,
      isCreditCard: functionOf(isCreditCard),
      isEmail: functionOf(isEmail),
      isIBAN: functionOf(isIBAN),
      isIdentityCard: functionOf(isIdentityCard),
      isIP: functionOf(isIP),
      isLuhnNumber: functionOf(isLuhnNumber),
    };
    return loaded;
  });
  return loading;
}

/** The libraries if they are loaded already, for the one synchronous caller. */
export function loadedRedactionLibraries(): RedactionLibraries | undefined {
  return loaded;
}
