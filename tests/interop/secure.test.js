// Secure interop: Node @grpc/grpc-js calls quotematch-server over TLS and
// mutual TLS, with bearer tokens, and checks the google.rpc.Status error
// details, cancellation, deadlines and x-request-id. The servers and
// certificates come from secure_setup.sh (see the QMI_* variables there);
// python_interop.py makes the same checks with another implementation.
// usage: run_secure.sh QUOTEMATCH_SERVER SOURCE_DIR
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
// protobufjs comes with @grpc/proto-loader; used here to decode
// grpc-status-details-bin (google.rpc.Status and its Any details).
const protobuf = require('protobufjs');
const { protoPath: healthProtoPath } = require('grpc-health-check');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (run through run_secure.sh)`);
  return v;
};
const src = env('QMI_SOURCE_DIR');
const certs = env('QMI_CERTS');
const cert = (name) => fs.readFileSync(path.join(certs, name));

const loaderOptions = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };
const api = grpc.loadPackageDefinition(
  protoLoader.loadSync(path.join(src, 'proto/quotematch/v1/quotematch.proto'),
                       { ...loaderOptions, includeDirs: [path.join(src, 'proto')] })).quotematch.v1;
const health = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, loaderOptions)).grpc.health.v1;

const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (origin, target) =>
  (path.isAbsolute(target) ? target : path.join(src, 'proto/third_party', target));
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
const RpcStatus = rpcRoot.lookupType('google.rpc.Status');

// The decoded grpc-status-details-bin of a failed call: {code, message,
// details: {BadRequest: {...}, QuotaFailure: {...}, ...}}. Asserts that it
// is there and agrees with the call's status.
function statusDetails(err) {
  const bins = err.metadata ? err.metadata.get('grpc-status-details-bin') : [];
  assert.strictEqual(bins.length, 1, `no grpc-status-details-bin on ${err.code} ${err.details}`);
  const st = RpcStatus.toObject(RpcStatus.decode(bins[0]), { longs: Number, defaults: true });
  assert.strictEqual(st.code, err.code, 'google.rpc.Status code differs from grpc-status');
  assert.strictEqual(st.message, err.details, 'google.rpc.Status message differs from grpc-message');
  const details = {};
  for (const any of st.details) {
    const type = rpcRoot.lookupType(any.type_url.replace(/^type\.googleapis\.com\//, ''));
    details[type.name] = type.toObject(type.decode(any.value), { longs: Number, defaults: true });
  }
  return { ...st, details };
}

const tokenMetadata = (header, extra = {}) => {
  const md = new grpc.Metadata();
  if (header !== undefined) md.set('authorization', header);
  for (const [k, v] of Object.entries(extra)) md.set(k, v);
  return md;
};
const bearer = (token) => tokenMetadata(`Bearer ${token}`);

const clients = [];
function serviceClient(address, creds = grpc.credentials.createInsecure(), options = {}) {
  const c = new api.QuoteMatchService(address, creds, options);
  clients.push(c);
  return c;
}

// A unary call: resolves to {err, resp, initial} (initial = the initial
// metadata, if the server sent any).
function unary(client, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve) => {
    let initial;
    const call = client[method](request, metadata, { deadline: Date.now() + 10000, ...options },
                                (err, resp) => resolve({ err, resp, initial }));
    call.on('metadata', (md) => { initial = md; });
  });
}

// Runs a streaming call to its end: resolves to {err, messages}.
function drain(call) {
  const messages = [];
  return new Promise((resolve) => {
    call.on('data', (m) => messages.push(m));
    call.on('error', (err) => resolve({ err, messages }));
    call.on('end', () => resolve({ err: null, messages }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function pollUntil(what, fn, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last.ok) return last;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(50);
  }
}

const normalizeRequest = { text: Buffer.from('Araghchi said 24 people'), language: 'LANGUAGE_ENGLISH' };
const en = fs.readFileSync(path.join(src, 'examples/border_talks.en.txt'));
const fa = fs.readFileSync(path.join(src, 'examples/border_talks.fa.txt'));

function assertNormalized({ err, resp }) {
  assert.ifError(err);
  assert.strictEqual(resp.key, 'araghchi said 24 people');
  assert.strictEqual(resp.tokens.length, 4);
}

function assertCode(err, code, pattern) {
  assert.ok(err, `expected ${code}, the call succeeded`);
  assert.strictEqual(err.code, code, `expected code ${code}, got ${err.code}: ${err.details}`);
  if (pattern) assert.match(err.details, pattern);
}

// ---------------------------------------------------------------- TLS

test('TLS: a client trusting the CA normalizes (IP SAN and DNS SAN)', async () => {
  const address = env('QMI_TLS_ADDR');
  assertNormalized(await unary(serviceClient(address, grpc.credentials.createSsl(cert('ca.pem'))),
                               'normalize', normalizeRequest));
  // The same through the DNS name in the certificate.
  assertNormalized(await unary(serviceClient(address, grpc.credentials.createSsl(cert('ca.pem')),
                                             { 'grpc.ssl_target_name_override': 'localhost' }),
                               'normalize', normalizeRequest));
});

test('TLS: a server name absent from the certificate is refused', async () => {
  const c = serviceClient(env('QMI_TLS_ADDR'), grpc.credentials.createSsl(cert('ca.pem')),
                          { 'grpc.ssl_target_name_override': 'not-localhost.example' });
  assertCode((await unary(c, 'normalize', normalizeRequest)).err, grpc.status.UNAVAILABLE);
});

test('TLS: a plaintext client fails with UNAVAILABLE', async () => {
  const c = serviceClient(env('QMI_TLS_ADDR'));
  assertCode((await unary(c, 'normalize', normalizeRequest)).err, grpc.status.UNAVAILABLE);
});

test('TLS: a client that does not trust the CA fails with UNAVAILABLE', async () => {
  const c = serviceClient(env('QMI_TLS_ADDR'), grpc.credentials.createSsl(cert('rogue_ca.pem')));
  assertCode((await unary(c, 'normalize', normalizeRequest)).err, grpc.status.UNAVAILABLE);
});

// ---------------------------------------------------------------- mTLS

test('mTLS: a client with a certificate signed by the CA normalizes', async () => {
  const creds = grpc.credentials.createSsl(cert('ca.pem'), cert('client.key'), cert('client.pem'));
  assertNormalized(await unary(serviceClient(env('QMI_MTLS_ADDR'), creds), 'normalize', normalizeRequest));
});

test('mTLS: without a client certificate the handshake fails (UNAVAILABLE)', async () => {
  const c = serviceClient(env('QMI_MTLS_ADDR'), grpc.credentials.createSsl(cert('ca.pem')));
  assertCode((await unary(c, 'normalize', normalizeRequest)).err, grpc.status.UNAVAILABLE);
});

test('mTLS: a client certificate from an untrusted CA fails (UNAVAILABLE)', async () => {
  const creds = grpc.credentials.createSsl(cert('ca.pem'), cert('rogue_client.key'), cert('rogue_client.pem'));
  const c = serviceClient(env('QMI_MTLS_ADDR'), creds);
  assertCode((await unary(c, 'normalize', normalizeRequest)).err, grpc.status.UNAVAILABLE);
});

// ---------------------------------------------------------------- tokens

const authAddress = () => env('QMI_AUTH_ADDR');

test('tokens: missing, unknown and malformed tokens are UNAUTHENTICATED with ErrorInfo', async () => {
  const c = serviceClient(authAddress());
  const cases = [
    { header: undefined, reason: 'TOKEN_MISSING' },
    { header: 'Bearer wrong-token-0123456789abcdef', reason: 'TOKEN_UNKNOWN' },
    { header: 'Basic x', reason: 'TOKEN_MALFORMED' },
    { header: 'Bearer', reason: 'TOKEN_MALFORMED' },
  ];
  for (const { header, reason } of cases) {
    const { err } = await unary(c, 'normalize', normalizeRequest, tokenMetadata(header));
    assertCode(err, grpc.status.UNAUTHENTICATED);
    const info = statusDetails(err).details.ErrorInfo;
    assert.ok(info, `no ErrorInfo for ${header}`);
    assert.strictEqual(info.reason, reason, `header ${header}`);
    assert.strictEqual(info.domain, 'quotematch');
    // The token itself never appears in the message.
    if (header) assert.ok(!err.details.includes('0123456789abcdef'), err.details);
  }
});

test('tokens: a read token may Normalize but not IngestDocuments (PERMISSION_DENIED)', async () => {
  const c = serviceClient(authAddress());
  assertNormalized(await unary(c, 'normalize', normalizeRequest, bearer(env('QMI_READ_TOKEN'))));
  const call = c.ingestDocuments(bearer(env('QMI_READ_TOKEN')), { deadline: Date.now() + 10000 });
  const result = drain(call);
  call.write({ document: { id: 'denied', language: 'LANGUAGE_ENGLISH', text: en } });
  call.end();
  const { err, messages } = await result;
  assertCode(err, grpc.status.PERMISSION_DENIED);
  assert.strictEqual(messages.length, 0);
  const info = statusDetails(err).details.ErrorInfo;
  assert.strictEqual(info.reason, 'SCOPE_MISSING');
  assert.strictEqual(info.domain, 'quotematch');
});

test('tokens: an ingest token stores a document', async () => {
  const c = serviceClient(authAddress());
  const call = c.ingestDocuments(bearer(env('QMI_INGEST_TOKEN')), { deadline: Date.now() + 15000 });
  const result = drain(call);
  call.write({ document: { id: 'node-ingest-en', language: 'LANGUAGE_ENGLISH', text: en } });
  call.end();
  const { err, messages } = await result;
  assert.ifError(err);
  assert.strictEqual(messages.length, 1);
  assert.strictEqual(messages[0].result, 'stored', JSON.stringify(messages[0]));
  assert.strictEqual(messages[0].stored.documentId, 'node-ingest-en');
  assert.strictEqual(messages[0].stored.outcome, 'INGEST_OUTCOME_NEW');
  assert.ok(messages[0].stored.statementCount > 0);
});

// Kubernetes' gRPC probes speak plaintext: health_listen serves health
// alone, without TLS, next to a mutual-TLS port, and nothing else there.
test('mutual TLS: plaintext health_listen serves health and only health', async () => {
  const h = new health.Health(env('QMI_MTLS_HEALTH_ADDR'), grpc.credentials.createInsecure());
  clients.push(h);
  for (const service of ['', 'quotematch.v1.QuoteMatchService']) {
    const resp = await new Promise((resolve, reject) =>
      h.check({ service }, (err, r) => (err ? reject(err) : resolve(r))));
    assert.strictEqual(resp.status, 'SERVING');
  }
  const { err } = await unary(serviceClient(env('QMI_MTLS_HEALTH_ADDR')), 'normalize', normalizeRequest);
  assert.ok(err, 'Normalize answered on the health port');
  assert.strictEqual(err.code, grpc.status.UNIMPLEMENTED);
});

test('tokens: health needs no token', async () => {
  const h = new health.Health(authAddress(), grpc.credentials.createInsecure());
  clients.push(h);
  for (const service of ['', 'quotematch.v1.QuoteMatchService']) {
    const resp = await new Promise((resolve, reject) =>
      h.check({ service }, (err, r) => (err ? reject(err) : resolve(r))));
    assert.strictEqual(resp.status, 'SERVING');
  }
});

const countEvents = (logFile, event) =>
  fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(`"event":"${event}"`)).length;

test('tokens: SIGHUP reloads the token file; a broken file keeps the old tokens', async () => {
  const c = serviceClient(authAddress());
  const file = env('QMI_AUTH_TOKENS');
  const pid = Number(env('QMI_AUTH_PID'));
  const log = env('QMI_AUTH_LOG');
  const original = fs.readFileSync(file, 'utf8');
  const newToken = 'node-sighup-token-0123456789abcdef';
  const writeAtomically = (text) => {
    fs.writeFileSync(`${file}.new`, text);
    fs.renameSync(`${file}.new`, file);
  };
  try {
    let { err } = await unary(c, 'normalize', normalizeRequest, bearer(newToken));
    assertCode(err, grpc.status.UNAUTHENTICATED);
    assert.strictEqual(statusDetails(err).details.ErrorInfo.reason, 'TOKEN_UNKNOWN');

    writeAtomically(`${original}${newToken} read node-sighup\n`);
    process.kill(pid, 'SIGHUP');
    await pollUntil('the new token to work', async () => {
      const r = await unary(c, 'normalize', normalizeRequest, bearer(newToken));
      return { ok: !r.err, code: r.err && r.err.code };
    });
    assertNormalized(await unary(c, 'normalize', normalizeRequest, bearer(env('QMI_READ_TOKEN'))));

    // A file that does not load: an unknown scope, and nothing else.
    const failures = countEvents(log, 'reload_failed');
    writeAtomically('broken-token-0123456789abcdef frobnicate nobody\n');
    process.kill(pid, 'SIGHUP');
    await pollUntil('a reload_failed log event', async () => ({ ok: countEvents(log, 'reload_failed') > failures }));
    assertNormalized(await unary(c, 'normalize', normalizeRequest, bearer(newToken)));
    assertNormalized(await unary(c, 'normalize', normalizeRequest, bearer(env('QMI_READ_TOKEN'))));
    ({ err } = await unary(c, 'normalize', normalizeRequest, bearer('broken-token-0123456789abcdef')));
    assertCode(err, grpc.status.UNAUTHENTICATED);
  } finally {
    writeAtomically(original);
    process.kill(pid, 'SIGHUP');
  }
});

// ---------------------------------------------------------------- error details

const limitsAddress = () => env('QMI_LIMITS_ADDR');

test('details: INVALID_ARGUMENT carries BadRequest naming the field', async () => {
  const c = serviceClient(limitsAddress());
  const cases = [
    { method: 'normalize', request: { text: Buffer.alloc(0) }, field: 'text' },
    { method: 'normalize', request: { text: Buffer.from('hello'), language: 7 }, field: 'language' },
    { method: 'extractStatements',
      request: { document: { id: 'x', language: 'LANGUAGE_ENGLISH', text: Buffer.alloc(0) } },
      field: 'document.text' },
    { method: 'extractStatements',
      request: { document: { id: 'x', language: 'LANGUAGE_ENGLISH', text: Buffer.from([0x61, 0xff, 0x62]) } },
      field: 'document.text' },
  ];
  for (const { method, request, field } of cases) {
    const { err } = await unary(c, method, request);
    assertCode(err, grpc.status.INVALID_ARGUMENT);
    const bad = statusDetails(err).details.BadRequest;
    assert.ok(bad, `no BadRequest for ${method} ${field}: ${err.details}`);
    assert.strictEqual(bad.field_violations.length, 1);
    assert.strictEqual(bad.field_violations[0].field, field, err.details);
    assert.ok(bad.field_violations[0].description.length > 0);
    assert.ok(err.details.startsWith(`${field}: `), err.details);
  }
});

test('details: a document over max_document_bytes is RESOURCE_EXHAUSTED with QuotaFailure', async () => {
  const c = serviceClient(limitsAddress());
  const limit = Number(env('QMI_LIMITS_MAX_DOCUMENT_BYTES'));
  const big = Buffer.from('The minister said the talks went well. '.repeat(Math.ceil((limit + 100) / 39)));
  assert.ok(big.length > limit);
  for (const [method, request] of [
    ['extractStatements', { document: { id: 'big', language: 'LANGUAGE_ENGLISH', text: big } }],
    ['normalize', { text: big, language: 'LANGUAGE_ENGLISH' }],
  ]) {
    const { err } = await unary(c, method, request);
    assertCode(err, grpc.status.RESOURCE_EXHAUSTED);
    const quota = statusDetails(err).details.QuotaFailure;
    assert.ok(quota, `no QuotaFailure for ${method}: ${err.details}`);
    assert.strictEqual(quota.violations.length, 1);
    assert.ok(quota.violations[0].subject.length > 0);
    assert.match(quota.violations[0].description, new RegExp(String(limit)));
  }
  // Just under the limit is fine.
  const { err } = await unary(c, 'normalize', { text: big.subarray(0, limit), language: 'LANGUAGE_ENGLISH' });
  assert.ifError(err);
});

test('details: the third quick call over a 1/s burst-2 rate limit gets RetryInfo and QuotaFailure', async () => {
  const c = serviceClient(env('QMI_RATE_ADDR'));
  const md = bearer(env('QMI_RATE_TOKEN'));
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await unary(c, 'normalize', normalizeRequest, md));
  assertNormalized(results[0]);
  assertNormalized(results[1]);
  const { err } = results[2];
  assertCode(err, grpc.status.RESOURCE_EXHAUSTED);
  const { details } = statusDetails(err);
  assert.ok(details.RetryInfo, err.details);
  const delayMs = details.RetryInfo.retry_delay.seconds * 1000 + details.RetryInfo.retry_delay.nanos / 1e6;
  assert.ok(delayMs > 0 && delayMs <= 1000, `retry_delay ${delayMs} ms`);
  assert.ok(details.QuotaFailure, err.details);
  assert.strictEqual(details.QuotaFailure.violations[0].subject, 'token:rater');
  // After the advertised delay a call is admitted again.
  await sleep(delayMs + 100);
  assertNormalized(await unary(c, 'normalize', normalizeRequest, md));
});

// ---------------------------------------------------------------- metrics, cancellation

// A fresh connection per scrape: the metrics endpoint answers HTTP/1.1
// without `Connection: close` but closes the connection, so a reused
// keep-alive socket (Node's default agent) can fail with "socket hang up".
function metrics() {
  return new Promise((resolve, reject) => {
    http.get(`http://${env('QMI_LIMITS_METRICS')}/metrics`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function gauge(name) {
  const text = await metrics();
  const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm'));
  assert.ok(m, `${name} missing from /metrics`);
  return Number(m[1]);
}

const waitGauge = (name, value) =>
  pollUntil(`${name} == ${value}`, async () => {
    const v = await gauge(name);
    return { ok: v === value, value: v };
  });

// Opens a WatchMatches call; resolves its `done` promise to the final error.
// Calls still open when the tests end are cancelled, so that a failed test
// does not keep the process alive.
const openCalls = [];
function watch(client, options = {}) {
  const call = client.watchMatches({ afterSequence: 0 }, new grpc.Metadata(), options);
  openCalls.push(call);
  const done = drain(call);
  return { call, done };
}

async function assertHealthy(address) {
  const h = new health.Health(address, grpc.credentials.createInsecure());
  clients.push(h);
  const resp = await new Promise((resolve, reject) =>
    h.check({ service: 'quotematch.v1.QuoteMatchService' }, (err, r) => (err ? reject(err) : resolve(r))));
  assert.strictEqual(resp.status, 'SERVING');
  assertNormalized(await unary(serviceClient(address), 'normalize', normalizeRequest));
}

test('watchers: with --max_watchers=1 a second WatchMatches is RESOURCE_EXHAUSTED max_watchers', async () => {
  const c = serviceClient(limitsAddress());
  await waitGauge('quotematch_open_watchers', 0);
  const first = watch(c);
  await waitGauge('quotematch_open_watchers', 1);
  const second = watch(c, { deadline: Date.now() + 10000 });
  const { err } = await second.done;
  assertCode(err, grpc.status.RESOURCE_EXHAUSTED);
  const quota = statusDetails(err).details.QuotaFailure;
  assert.ok(quota, err.details);
  assert.strictEqual(quota.violations[0].subject, 'max_watchers');
  first.call.cancel();
  assertCode((await first.done).err, grpc.status.CANCELLED);
  await waitGauge('quotematch_open_watchers', 0);
});

test('cancel: a cancelled WatchMatches ends CANCELLED and the watcher gauge returns to 0', async () => {
  const c = serviceClient(limitsAddress());
  const w = watch(c);
  await waitGauge('quotematch_open_watchers', 1);
  w.call.cancel();
  assertCode((await w.done).err, grpc.status.CANCELLED);
  await waitGauge('quotematch_open_watchers', 0);
  // The slot is free again: a new watcher is admitted.
  const again = watch(c);
  await waitGauge('quotematch_open_watchers', 1);
  again.call.cancel();
  assertCode((await again.done).err, grpc.status.CANCELLED);
  await waitGauge('quotematch_open_watchers', 0);
  await assertHealthy(limitsAddress());
});

test('cancel: a MatchStream cancelled mid-session ends CANCELLED and the stream gauge returns to 0', async () => {
  const c = serviceClient(limitsAddress());
  await waitGauge('quotematch_open_streams', 0);
  const call = c.matchStream();
  openCalls.push(call);
  const events = [];
  let sawAccepted;
  const accepted = new Promise((resolve) => { sawAccepted = resolve; });
  const done = new Promise((resolve) => {
    call.on('data', (m) => { events.push(m); if (m.event === 'accepted') sawAccepted(); });
    call.on('error', (err) => resolve(err));
    call.on('end', () => resolve(null));
  });
  call.write({ document: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en } });
  await accepted;
  assert.strictEqual(await gauge('quotematch_open_streams'), 1);
  call.cancel();
  assertCode(await done, grpc.status.CANCELLED);
  assert.strictEqual(events.filter((e) => e.event === 'pair').length, 0);
  await waitGauge('quotematch_open_streams', 0);
  await assertHealthy(limitsAddress());
});

test('cancel: a MatchStream cancelled while a document is being matched frees its slot', async () => {
  const c = serviceClient(limitsAddress());
  const call = c.matchStream();
  const done = drain(call);
  call.write({ document: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en } });
  call.write({ document: { id: 'fa', language: 'LANGUAGE_PERSIAN', text: fa } });
  call.cancel();
  assertCode((await done).err, grpc.status.CANCELLED);
  await waitGauge('quotematch_open_streams', 0);
  await assertHealthy(limitsAddress());
});

test('deadline: an expired or 1 ms deadline is DEADLINE_EXCEEDED', async () => {
  const c = serviceClient(limitsAddress());
  assertCode((await unary(c, 'normalize', normalizeRequest, new grpc.Metadata(),
                          { deadline: Date.now() - 1000 })).err, grpc.status.DEADLINE_EXCEEDED);
  // A 1 ms deadline on a session that cannot end by itself (never
  // half-closed); a unary call may well finish within 1 ms on loopback.
  const call = c.matchStream(new grpc.Metadata(), { deadline: Date.now() + 1 });
  openCalls.push(call);
  const done = drain(call);
  call.write({ document: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en } });
  assertCode((await done).err, grpc.status.DEADLINE_EXCEEDED);
  await waitGauge('quotematch_open_streams', 0);
});

test('deadline: the server ends a WatchMatches at its deadline and frees the watcher', async () => {
  const c = serviceClient(limitsAddress());
  await waitGauge('quotematch_open_watchers', 0);
  const start = Date.now();
  const w = watch(c, { deadline: Date.now() + 700 });
  await waitGauge('quotematch_open_watchers', 1);
  assertCode((await w.done).err, grpc.status.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - start >= 600, `ended after ${Date.now() - start} ms`);
  await waitGauge('quotematch_open_watchers', 0);
});

// ---------------------------------------------------------------- x-request-id

test('x-request-id: a valid client id is echoed; otherwise a 16-hex id is made', async () => {
  const c = serviceClient(limitsAddress());
  const cases = [
    { sent: 'interop-Node_1:2.3', expect: 'interop-Node_1:2.3' },
    { sent: 'a'.repeat(128), expect: 'a'.repeat(128) },
    { sent: undefined, expect: /^[0-9a-f]{16}$/ },
    { sent: 'a'.repeat(129), expect: /^[0-9a-f]{16}$/ },
    { sent: 'has space', expect: /^[0-9a-f]{16}$/ },
    { sent: 'semi;colon', expect: /^[0-9a-f]{16}$/ },
  ];
  const seen = new Set();
  for (const { sent, expect } of cases) {
    const md = new grpc.Metadata();
    if (sent !== undefined) md.set('x-request-id', sent);
    const r = await unary(c, 'normalize', normalizeRequest, md);
    assertNormalized(r);
    assert.ok(r.initial, 'no initial metadata');
    const got = r.initial.get('x-request-id');
    assert.strictEqual(got.length, 1, `x-request-id for ${sent}: ${JSON.stringify(got)}`);
    if (typeof expect === 'string') {
      assert.strictEqual(got[0], expect);
    } else {
      assert.match(got[0], expect, `sent ${sent}`);
      assert.ok(!seen.has(got[0]), `id ${got[0]} repeated`);
      seen.add(got[0]);
    }
  }
});

test('x-request-id: a failed call also gets one', async () => {
  const c = serviceClient(limitsAddress());
  const md = new grpc.Metadata();
  md.set('x-request-id', 'node-error-1');
  const { err, initial } = await unary(c, 'normalize', { text: Buffer.alloc(0) }, md);
  assertCode(err, grpc.status.INVALID_ARGUMENT);
  assert.ok(initial, 'no initial metadata');
  assert.deepStrictEqual(initial.get('x-request-id'), ['node-error-1']);
});

test('x-request-id: a streaming call also gets one', async () => {
  const c = serviceClient(limitsAddress());
  const md = new grpc.Metadata();
  md.set('x-request-id', 'node-stream-1');
  const call = c.alignDocuments({ english: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en },
                                  persian: { id: 'fa', language: 'LANGUAGE_PERSIAN', text: fa } }, md);
  let initial;
  call.on('metadata', (m) => { initial = m; });
  const { err, messages } = await drain(call);
  assert.ifError(err);
  assert.ok(messages.length > 1);
  assert.deepStrictEqual(initial.get('x-request-id'), ['node-stream-1']);
});

test.after(() => {
  for (const call of openCalls) call.cancel();
  for (const c of clients) c.close();
});
