/**
 * What a face's SDK types become in an app that does not install that SDK (the SDKs are optional
 * peer dependencies). The published declarations import each SDK's types under `@ts-ignore` (see
 * scripts/optional-peer-types.mjs), so an app without the package still compiles with
 * `skipLibCheck: false`; but a missing module's types are TypeScript's error type, which accepts
 * anything, so a misspelled parameter would pass unnoticed. `FromPeer` turns that into
 * `PeerNotInstalled<'openai'>` instead: every call of that face is then a type error naming the
 * package to install (a dev dependency is enough; the faces need no SDK at run time).
 */
export interface PeerNotInstalled<Package extends string> {
  readonly 'zenrouter: this face is typed by the types of the package named here; install it (a dev dependency is enough)': Package;
}

/**
 * `Types` when its package is installed, else `PeerNotInstalled<Package>`. The test `[T] extends [1]`
 * and `[T] extends [2]` holds only for `any` and the error type of an unresolved import (the usual
 * `0 extends 1 & T` test does not: an intersection with the error type is the error type).
 */
export type FromPeer<Types, Package extends string> = [Types] extends [1]
  ? [Types] extends [2]
    ? PeerNotInstalled<Package>
    : Types
  : Types;
