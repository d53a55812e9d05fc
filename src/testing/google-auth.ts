import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimContext, SimRoute, Simulator } from './server.js';

/**
 * Google OAuth against the simulator, so that Vertex AI clients run their real google-auth-library
 * code path (credentials → token request → `Authorization: Bearer` header) without network.
 *
 * Why refresh-token ("authorized_user") credentials and not a service-account key: for
 * `service_account` keys google-auth-library ignores `token_uri` and posts the signed JWT to a
 * hard-coded https://oauth2.googleapis.com/token (v10) or https://www.googleapis.com/oauth2/v4/token
 * (v9, via gtoken). OAuth2Client's documented `endpoints.oauth2TokenUrl` option is the one token URL
 * both versions let a caller choose, and it is honoured by `authorized_user` credentials (the kind
 * `gcloud auth application-default login` writes).
 */

interface AuthState {
  /** refresh_token → the OAuth client it was issued to */
  clients: Map<string, { clientId: string; clientSecret: string }>;
  accessTokens: Set<string>;
}

const states = new WeakMap<Simulator, AuthState>();

function stateOf(simulator: Simulator): AuthState {
  let state = states.get(simulator);
  if (!state) {
    state = { clients: new Map(), accessTokens: new Set() };
    states.set(simulator, state);
  }
  return state;
}

/** The shape google-auth-library reads from `googleAuthOptions` (v9 and v10). */
export interface SimulatorGoogleAuthOptions {
  credentials: { type: 'authorized_user'; client_id: string; client_secret: string; refresh_token: string };
  clientOptions: { endpoints: { oauth2TokenUrl: string } };
}

/**
 * `googleAuthOptions` for `new GoogleGenAI({ vertexai: true, ... })` and `new VertexAI({ ... })`:
 * fresh OAuth client credentials that only this simulator's token endpoint accepts.
 */
export function simulatorGoogleAuth(simulator: Simulator): SimulatorGoogleAuthOptions {
  const clientId = `${randomBytes(6).toString('hex')}.apps.googleusercontent.com`;
  const clientSecret = `GOCSPX-${randomBytes(12).toString('base64url')}`;
  const refreshToken = `1//sim-${randomBytes(24).toString('base64url')}`;
  stateOf(simulator).clients.set(refreshToken, { clientId, clientSecret });
  return {
    credentials: { type: 'authorized_user', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken },
    clientOptions: { endpoints: { oauth2TokenUrl: `${simulator.url}/oauth2/v4/token` } },
  };
}

/** Access tokens the simulator has issued, oldest first. */
export function issuedGoogleAccessTokens(simulator: Simulator): string[] {
  return [...stateOf(simulator).accessTokens];
}

export function isIssuedGoogleAccessToken(simulator: Simulator, token: string): boolean {
  return stateOf(simulator).accessTokens.has(token);
}

/** Written here rather than with server.ts's sendJson: server.ts loads this module through gemini-protocol.ts. */
function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function formOrJson(context: SimContext): Record<string, string> {
  const type = context.request.headers['content-type'] ?? '';
  if (type.includes('json') && context.body && typeof context.body === 'object') {
    return Object.fromEntries(Object.entries(context.body as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
  }
  return Object.fromEntries(new URLSearchParams(context.rawBody));
}

/** Google's OAuth token endpoint, for the refresh-token grant. Errors use the OAuth error shape. */
async function handleToken(context: SimContext): Promise<void> {
  const form = formOrJson(context);
  if (form.grant_type !== 'refresh_token') {
    sendJson(context.response, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.grant_type ?? ''}` });
    return;
  }
  const client = stateOf(context.simulator).clients.get(form.refresh_token ?? '');
  if (!client || client.clientId !== form.client_id || client.clientSecret !== form.client_secret) {
    sendJson(context.response, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    return;
  }
  const accessToken = `ya29.sim-${randomBytes(24).toString('base64url')}`;
  stateOf(context.simulator).accessTokens.add(accessToken);
  sendJson(context.response, 200, {
    access_token: accessToken,
    expires_in: 3599,
    token_type: 'Bearer',
    scope: 'https://www.googleapis.com/auth/cloud-platform',
  });
}

export const googleAuthRoutes: SimRoute[] = [
  { method: 'POST', pattern: /^\/(?:oauth2\/v4\/)?token$/, handle: (context) => handleToken(context) },
];
