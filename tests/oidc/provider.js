// A real OpenID Connect provider (the npm package oidc-provider) on loopback, for the tests.
//
//   node provider.js CONFIG.json
//
// CONFIG: {clients: [...], accounts: {email: {name, groups, clinic}}, jwks: {keys: [...]},
//          resources: {indicator: {alg}}}. It listens on 127.0.0.1 at a free port and prints
// one JSON line, {"issuer": ...}, once it serves. Test-only admin endpoints:
//   POST /admin/keys   body: a private JWKS; the provider signs with it from then on (rotation)
//   GET  /admin/stats  {"jwks_requests": n}: how often the published keys were fetched
import http from 'node:http';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const stats = { jwks_requests: 0 };

function account(email) {
  const person = config.accounts[email];
  if (!person) return undefined;
  const claims = {
    sub: email, email, email_verified: true, name: person.name, groups: person.groups,
    clinic: person.clinic,
  };
  return { accountId: email, claims: async () => claims, tokenClaims: claims };
}

function provider(issuer, jwks) {
  return new Provider(issuer, {
    clients: config.clients,
    jwks,
    cookies: { keys: ['test-cookie-key-of-the-loopback-provider'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'],
      clinic: ['groups', 'clinic'] },
    findAccount: async (_ctx, sub) => account(sub),
    conformIdTokenClaims: false,  // the ID token carries the e-mail, groups and clinic
    ttl: { AccessToken: 600, IdToken: 600, AuthorizationCode: 60, Interaction: 600,
      Session: 3600, Grant: 3600 },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => Object.keys(config.resources)[0],
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          const resource = config.resources[indicator];
          if (!resource) throw new Provider.errors.InvalidTarget();
          return { scope: 'openid email profile clinic', audience: indicator,
            accessTokenFormat: 'jwt', jwt: { sign: { alg: resource.alg } } };
        },
      },
    },
    extraTokenClaims: async (_ctx, token) => account(token.accountId)?.tokenClaims,
    loadExistingGrant: async (ctx) => {  // consent once per sign-in, kept for the client
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
  });
}

let current;
const server = http.createServer((req, res) => {
  if (req.url === '/admin/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(stats));
    return;
  }
  if (req.url === '/admin/keys' && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      current = provider(current.issuer, JSON.parse(body));
      res.statusCode = 204;
      res.end();
    });
    return;
  }
  if (req.url.startsWith('/jwks')) stats.jwks_requests += 1;
  current.callback()(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  current = provider(issuer, config.jwks);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
