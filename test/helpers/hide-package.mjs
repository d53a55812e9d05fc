// Loaded with `node --import` in a child process: the package named in ZEN_HIDE_PACKAGE cannot be
// resolved (as if it were not installed), so that a test can see how an optional peer's absence is met.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
let hidden;
export function initialize(data) { hidden = data.hidden; }
export async function resolve(specifier, context, next) {
  if (hidden && (specifier === hidden || specifier.startsWith(hidden + '/'))) {
    const error = new Error("Cannot find package '" + specifier + "' (hidden by the test)");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`),
  import.meta.url,
  { data: { hidden: process.env.ZEN_HIDE_PACKAGE } },
);
