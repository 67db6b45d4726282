// Interop: an independent gRPC implementation (Node @grpc/grpc-js with
// @grpc/proto-loader) calls quotematch-server.
// usage: QM_ADDRESS=HOST:PORT QM_SOURCE_DIR=DIR node --test interop.test.js
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { protoPath: healthProtoPath } = require('grpc-health-check');
const { GrpcReflection } = require('grpc-js-reflection-client');

const address = process.env.QM_ADDRESS;
const src = process.env.QM_SOURCE_DIR;
if (!address || !src) throw new Error('QM_ADDRESS and QM_SOURCE_DIR must be set');

const loaderOptions = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };
const api = grpc.loadPackageDefinition(
  protoLoader.loadSync(path.join(src, 'proto/quotematch/v1/quotematch.proto'),
                       { ...loaderOptions, includeDirs: [path.join(src, 'proto')] }));
const health = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, loaderOptions));
const client = new api.quotematch.v1.QuoteMatchService(address, grpc.credentials.createInsecure());
const healthClient = new health.grpc.health.v1.Health(address, grpc.credentials.createInsecure());

const en = fs.readFileSync(path.join(src, 'examples/border_talks.en.txt'));
const fa = fs.readFileSync(path.join(src, 'examples/border_talks.fa.txt'));

test('health reports SERVING for the server and the service', async () => {
  for (const service of ['', 'quotematch.v1.QuoteMatchService']) {
    const resp = await new Promise((resolve, reject) =>
      healthClient.check({ service }, (err, r) => (err ? reject(err) : resolve(r))));
    assert.strictEqual(resp.status, 'SERVING');
  }
});

test('server reflection (v1alpha) lists the service and its methods', async () => {
  const reflection = new GrpcReflection(address, grpc.credentials.createInsecure(), {}, 'v1alpha');
  const services = await reflection.listServices();
  assert.ok(services.includes('quotematch.v1.QuoteMatchService'), services.join(','));
  assert.ok(services.includes('grpc.health.v1.Health'), services.join(','));
  const methods = (await reflection.listMethods('quotematch.v1.QuoteMatchService')).map((m) => m.name);
  for (const m of ['Normalize', 'ExtractStatements', 'AlignDocuments', 'MatchStream']) {
    assert.ok(methods.includes(m), `${m} missing from ${methods.join(',')}`);
  }
});

test('Normalize returns display, key and tokens', async () => {
  const resp = await new Promise((resolve, reject) =>
    client.normalize({ text: Buffer.from('علي گفت ۲۴ نفر'), language: 'LANGUAGE_PERSIAN' },
                     (err, r) => (err ? reject(err) : resolve(r))));
  assert.strictEqual(resp.display, 'علی گفت ۲۴ نفر');
  assert.strictEqual(resp.key, 'علی گفت 24 نفر');
  assert.strictEqual(resp.tokens.length, 4);
  assert.strictEqual(resp.tokens[2].kind, 'TOKEN_KIND_NUMBER');
  assert.strictEqual(resp.tokens[2].numberValue, 24);
});

test('Normalize rejects empty text with INVALID_ARGUMENT naming the field', async () => {
  const err = await new Promise((resolve) => client.normalize({ text: Buffer.alloc(0) }, (e) => resolve(e)));
  assert.ok(err);
  assert.strictEqual(err.code, grpc.status.INVALID_ARGUMENT);
  assert.match(err.details, /^text: must not be empty$/);
});

test('AlignDocuments streams the expected sample pairs, then a summary', async () => {
  const call = client.alignDocuments({
    english: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en },
    persian: { id: 'fa', language: 'LANGUAGE_PERSIAN', text: fa },
  });
  const messages = [];
  await new Promise((resolve, reject) => {
    call.on('data', (m) => messages.push(m));
    call.on('error', reject);
    call.on('end', resolve);
  });
  const pairs = messages.filter((m) => m.result === 'pair').map((m) => m.pair);
  const summaries = messages.filter((m) => m.result === 'summary');
  assert.strictEqual(summaries.length, 1);
  assert.strictEqual(messages[messages.length - 1].result, 'summary');
  // Expected pairs from examples/border_talks.expected.tsv.
  const expected = fs.readFileSync(path.join(src, 'examples/border_talks.expected.tsv'), 'utf8')
    .split('\n').filter((l) => l.startsWith('PAIR\t')).map((l) => l.split('\t'));
  assert.strictEqual(pairs.length, expected.length);
  for (const [, enPrefix, faPrefix] of expected) {
    const p = pairs.find((x) => x.english.content.startsWith(enPrefix));
    assert.ok(p, `no pair for "${enPrefix}"`);
    assert.ok(p.persian.content.startsWith(faPrefix), `"${enPrefix}" paired with "${p.persian.content}"`);
    assert.ok(p.score >= 0.5 && p.score <= 1);
    assert.ok(p.evidence.length > 0);
    // Spans are byte offsets into the original text.
    const span = p.persian.contentSpan;
    assert.strictEqual(fa.subarray(span.begin, span.end).toString('utf8'), p.persian.content);
  }
  assert.strictEqual(summaries[0].summary.pairCount, pairs.length);
});

test('MatchStream pairs documents as both sides arrive', async () => {
  const call = client.matchStream();
  const events = [];
  const done = new Promise((resolve, reject) => {
    call.on('data', (m) => events.push(m));
    call.on('error', reject);
    call.on('end', resolve);
  });
  call.write({ document: { id: 'en', language: 'LANGUAGE_ENGLISH', text: en } });
  call.write({ document: { id: 'fa', language: 'LANGUAGE_PERSIAN', text: fa } });
  call.end();
  await done;
  assert.strictEqual(events.filter((e) => e.event === 'accepted').length, 2);
  assert.strictEqual(events.filter((e) => e.event === 'pair').length, 6);
});

test.after(() => {
  client.close();
  healthClient.close();
});
