// tests/deploy/validate.js: offline checks of deploy/ (run by tests/deploy_test.sh).
//
//   node tests/deploy/validate.js extract ROOT OUTDIR
//       writes the server's config file from the ConfigMap (OUTDIR/server.conf),
//       the server container's QM_* environment (OUTDIR/env, KEY=VALUE lines) and
//       stand-in flags for the file-valued keys (OUTDIR/flags), so that the shell
//       can ask the real binary whether it accepts them (--print-config).
//   node tests/deploy/validate.js check ROOT [EFFECTIVE_CONFIG]
//       1. every document of deploy/k8s/**.yaml against the Kubernetes API models
//          of npm kubernetes-models (pinned in tools/package.json);
//       2. what a schema cannot say: probes, resources, security context,
//          shutdown timing, the Job's failure policy and shard argument,
//          selectors and ports that agree, mounted paths the config names;
//       3. the structure of deploy/Dockerfile and .dockerignore.
//       EFFECTIVE_CONFIG is `quotematch-server --print-config` output for the
//       ConfigMap's file; drain_seconds and the ports are read from it.
// Every problem is printed as FILE:KIND:NAME: message; the exit code is 1 if any.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [mode, rootArg, arg] = process.argv.slice(2);
const root = rootArg && path.resolve(rootArg);
if (!['extract', 'check'].includes(mode) || !root) {
  console.error('usage: validate.js extract ROOT OUTDIR | check ROOT [EFFECTIVE_CONFIG]');
  process.exit(2);
}
// The npm packages live in tools/node_modules (scripts/setup installs them).
const toolsRequire = createRequire(path.join(root, 'tools', 'package.json'));
const YAML = toolsRequire('yaml');

const K8S_DIR = path.join(root, 'deploy', 'k8s');
const USER_ID = 10001;
const SERVER_BINARY = '/usr/local/bin/quotematch-server';
const CLI_BINARY = '/usr/local/bin/quotematch';
// Keys whose value names a file the server reads at start.
const FILE_KEYS = ['tls_cert', 'tls_key', 'tls_client_ca', 'auth_tokens'];

const problems = [];
function problem(where, message) {
  problems.push(`${where}: ${message}`);
}

// --- loading -------------------------------------------------------------

function yamlFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

// Every document of every manifest, parsed as YAML 1.1 like the API server's
// client tools do (0440 is octal, `on` is true).
function loadDocuments() {
  const docs = [];
  for (const file of yamlFiles(K8S_DIR)) {
    const rel = path.relative(root, file);
    const parsed = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' });
    for (const d of parsed) {
      if (d.errors.length) {
        problem(rel, `YAML: ${d.errors[0].message}`);
        continue;
      }
      const obj = d.toJS();
      if (obj == null) continue;
      const name = (obj.metadata && obj.metadata.name) || '?';
      docs.push({ file, rel, obj, where: `${rel}:${obj.kind || '?'}:${name}` });
    }
  }
  return docs;
}

// `key = value` lines of a server config file ('#' comments, "quoted" values).
function parseConfig(text) {
  const out = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

const find = (docs, kind) => docs.filter((d) => d.obj.kind === kind);
const podSpec = (d) => d.obj.spec && d.obj.spec.template && d.obj.spec.template.spec;
const portOf = (hostPort) => Number(String(hostPort).slice(String(hostPort).lastIndexOf(':') + 1));

function serverParts(docs) {
  const deployment = find(docs, 'Deployment')[0];
  if (!deployment) return {};
  const container = podSpec(deployment).containers[0];
  const env = new Map((container.env || []).map((e) => [e.name, e]));
  const configPath = env.get('QM_CONFIG') && env.get('QM_CONFIG').value;
  // The ConfigMap mounted where QM_CONFIG points, and the file in it.
  let configText = null;
  for (const m of container.volumeMounts || []) {
    if (!configPath || !configPath.startsWith(m.mountPath + '/')) continue;
    const volume = (podSpec(deployment).volumes || []).find((v) => v.name === m.name);
    const cm = volume && volume.configMap &&
      find(docs, 'ConfigMap').find((c) => c.obj.metadata.name === volume.configMap.name);
    const key = configPath.slice(m.mountPath.length + 1);
    if (cm && cm.obj.data && key in cm.obj.data) configText = cm.obj.data[key];
  }
  return { deployment, container, env, configPath, configText };
}

// --- extract ---------------------------------------------------------------

function extract(outDir) {
  const docs = loadDocuments();
  const { deployment, env, configText } = serverParts(docs);
  if (!deployment || configText == null) {
    console.error('validate.js: no Deployment whose QM_CONFIG names a file of a mounted ConfigMap');
    process.exit(1);
  }
  fs.writeFileSync(path.join(outDir, 'server.conf'), configText);
  const envLines = [];
  const flagLines = [];
  const config = parseConfig(configText);
  for (const [name, e] of env) {
    if (!name.startsWith('QM_') || name === 'QM_CONFIG') continue;
    // A value from the downward API stands in as 1 (QM_WORKERS from
    // limits.cpu); the store URL from its Secret as a URL of the right form.
    const fromSecret = e.valueFrom && e.valueFrom.secretKeyRef;
    const standIn = fromSecret && name === 'QM_STORE' ? 'postgresql://quotematch@stand-in/quotematch' : '1';
    envLines.push(`${name}=${e.value !== undefined ? e.value : standIn}`);
    config.set(name.slice(3).toLowerCase(), e.value);
  }
  for (const key of FILE_KEYS) {
    if (config.get(key)) flagLines.push(`--${key}=${path.join(outDir, 'stand-in.pem')}`);
  }
  fs.writeFileSync(path.join(outDir, 'env'), envLines.join('\n') + (envLines.length ? '\n' : ''));
  fs.writeFileSync(path.join(outDir, 'flags'), flagLines.join('\n') + (flagLines.length ? '\n' : ''));
}

// --- schema ------------------------------------------------------------------

function checkSchemas(docs) {
  const kustomizations = [];
  for (const d of docs) {
    const { apiVersion, kind } = d.obj;
    if (kind === 'Kustomization') {
      kustomizations.push(d);
      continue;
    }
    let Model;
    try {
      Model = toolsRequire(`kubernetes-models/${apiVersion}`)[kind];
    } catch (e) {
      Model = undefined;
    }
    if (typeof Model !== 'function') {
      problem(d.where, `no Kubernetes model for apiVersion ${apiVersion}, kind ${kind}`);
      continue;
    }
    try {
      new Model(d.obj).validate();
    } catch (e) {
      problem(d.where, e.message);
    }
    const labels = (d.obj.metadata && d.obj.metadata.labels) || {};
    if (labels['app.kubernetes.io/name'] !== 'quotematch') {
      problem(d.where, 'metadata.labels must carry app.kubernetes.io/name: quotematch');
    }
  }
  // Each kustomization lists exactly the manifests of its directory.
  for (const k of kustomizations) {
    const dir = path.dirname(k.file);
    const listed = [...(k.obj.resources || [])].sort();
    const present = fs.readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f)).sort();
    if (listed.join() !== present.join()) {
      problem(k.where, `resources [${listed}] differ from the manifests in the directory [${present}]`);
    }
  }
}

// --- pods --------------------------------------------------------------------

function checkPodSecurity(d, spec) {
  const pod = spec.securityContext || {};
  if (pod.runAsNonRoot !== true) problem(d.where, 'pod securityContext.runAsNonRoot must be true');
  if (pod.runAsUser !== USER_ID || pod.runAsGroup !== USER_ID) {
    problem(d.where, `pod securityContext must run as ${USER_ID}:${USER_ID}, the image's user`);
  }
  if (!pod.seccompProfile || pod.seccompProfile.type !== 'RuntimeDefault') {
    problem(d.where, 'pod securityContext.seccompProfile.type must be RuntimeDefault');
  }
  for (const c of spec.containers) {
    const where = `${d.where}:container ${c.name}`;
    const sc = c.securityContext || {};
    if (sc.allowPrivilegeEscalation !== false) problem(where, 'allowPrivilegeEscalation must be false');
    if (sc.readOnlyRootFilesystem !== true) problem(where, 'readOnlyRootFilesystem must be true');
    const drop = (sc.capabilities && sc.capabilities.drop) || [];
    if (!drop.includes('ALL')) problem(where, 'capabilities.drop must include ALL');
    const r = c.resources || {};
    for (const part of ['requests', 'limits']) {
      for (const res of ['cpu', 'memory']) {
        if (!r[part] || r[part][res] === undefined) problem(where, `resources.${part}.${res} is missing`);
      }
    }
  }
}

function preStopSeconds(container) {
  const pre = container.lifecycle && container.lifecycle.preStop;
  if (!pre) return 0;
  if (pre.sleep) return Number(pre.sleep.seconds);
  const cmd = (pre.exec && pre.exec.command) || [];
  return /(^|\/)sleep$/.test(cmd[0] || '') ? Number(cmd[1]) : NaN;
}

function checkServer(docs, effective) {
  const { deployment, container, env, configPath, configText } = serverParts(docs);
  if (!deployment) {
    problem('deploy/k8s', 'no Deployment');
    return;
  }
  const d = deployment;
  const spec = podSpec(d);
  checkPodSecurity(d, spec);
  if (configText == null) {
    problem(d.where, `QM_CONFIG (${configPath}) does not name a file of a mounted ConfigMap`);
  }
  const raw = parseConfig(configText || '');
  const config = effective || raw;
  // Service name reported to grpc.health.v1, from the server's source.
  const mainCc = fs.readFileSync(path.join(root, 'server', 'main.cc'), 'utf8');
  const serviceName = (mainCc.match(/kServiceName\[\] = "([^"]+)"/) || [])[1];
  const ports = new Map((container.ports || []).map((p) => [p.name, p.containerPort]));
  const grpcPort = portOf(config.get('listen') || '');
  if (ports.get('grpc') !== grpcPort) {
    problem(d.where, `containerPort grpc (${ports.get('grpc')}) differs from listen (${config.get('listen')})`);
  }
  const metricsListen = (env.get('QM_METRICS_LISTEN') || {}).value || config.get('metrics_listen');
  if (!metricsListen || ports.get('metrics') !== portOf(metricsListen)) {
    problem(d.where, `containerPort metrics (${ports.get('metrics')}) differs from metrics_listen (${metricsListen})`);
  }
  // Probes go to health_listen (plaintext health alone) when it is set: the
  // kubelet's gRPC probes cannot use TLS.
  const healthListen = config.get('health_listen');
  const probePort = healthListen ? portOf(healthListen) : grpcPort;
  if (healthListen && ports.get('health') !== probePort) {
    problem(d.where, `containerPort health (${ports.get('health')}) differs from health_listen (${healthListen})`);
  }
  for (const c of spec.containers) {
    const where = `${d.where}:container ${c.name}`;
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = c[probe];
      if (!p) {
        problem(where, `${probe} is missing`);
        continue;
      }
      if (!p.grpc) problem(where, `${probe} must be a native gRPC probe (grpc.health.v1)`);
      else if (p.grpc.port !== probePort) problem(where, `${probe} port ${p.grpc.port} is not the health port ${probePort}`);
      else if (p.grpc.service !== undefined && p.grpc.service !== '' && p.grpc.service !== serviceName) {
        problem(where, `${probe} asks for service "${p.grpc.service}"; the server reports "${serviceName}" and ""`);
      }
    }
    if (c.readinessProbe && c.readinessProbe.grpc && c.readinessProbe.grpc.service !== serviceName) {
      problem(where, `readinessProbe should ask for "${serviceName}"`);
    }
    // Shutdown: the pod is killed at the grace period, so it must outlast
    // the preStop sleep plus the server's drain.
    const sleep = preStopSeconds(c);
    const drain = Number(config.get('drain_seconds') !== undefined ? config.get('drain_seconds') : 10);
    const grace = spec.terminationGracePeriodSeconds !== undefined ? spec.terminationGracePeriodSeconds : 30;
    if (!(sleep > 0)) problem(where, 'lifecycle.preStop must sleep (exec /bin/sleep N, or sleep.seconds)');
    if (!(grace > sleep + drain)) {
      problem(where, `terminationGracePeriodSeconds ${grace} must exceed preStop ${sleep} s + drain_seconds ${drain} s`);
    }
    // Every file the config names lies in a mounted ConfigMap or Secret that
    // has it (from the file itself: the effective config has stand-ins).
    for (const key of FILE_KEYS) {
      const file = (env.get(`QM_${key.toUpperCase()}`) || {}).value || raw.get(key);
      if (file) checkMountedFile(docs, d, c, key, file);
    }
    if (c.command) problem(where, `command overrides the image's entrypoint (${SERVER_BINARY})`);
  }
  const strategy = d.obj.spec.strategy || {};
  if (!strategy.rollingUpdate || strategy.rollingUpdate.maxUnavailable !== 0) {
    problem(d.where, 'strategy.rollingUpdate.maxUnavailable must be 0');
  }
  const hpa = find(docs, 'HorizontalPodAutoscaler')
    .find((h) => h.obj.spec.scaleTargetRef.name === d.obj.metadata.name && h.obj.spec.scaleTargetRef.kind === 'Deployment');
  if (!hpa) problem(d.where, 'no HorizontalPodAutoscaler scales it');
  else if (d.obj.spec.replicas !== undefined) problem(d.where, 'spec.replicas fights the HorizontalPodAutoscaler; leave it out');
  checkSelectors(docs, d, ports);
}

function checkMountedFile(docs, d, c, key, file) {
  const where = `${d.where}:container ${c.name}`;
  const mount = (c.volumeMounts || []).find((m) => file.startsWith(m.mountPath + '/'));
  if (!mount) {
    problem(where, `${key} = ${file} is under no volumeMount`);
    return;
  }
  const volume = (podSpec(d).volumes || []).find((v) => v.name === mount.name) || {};
  const item = file.slice(mount.mountPath.length + 1);
  const source = volume.secret ? ['Secret', volume.secret.secretName] : volume.configMap ? ['ConfigMap', volume.configMap.name] : null;
  if (!source) {
    problem(where, `${key}: volume ${mount.name} is neither a Secret nor a ConfigMap`);
    return;
  }
  const obj = find(docs, source[0]).find((x) => x.obj.metadata.name === source[1]);
  const keys = obj ? Object.keys({ ...obj.obj.data, ...obj.obj.stringData }) : [];
  if (!keys.includes(item)) problem(where, `${key} = ${file}: ${source[0]} ${source[1]} has no key ${item}`);
}

const selects = (selector, labels) =>
  selector && Object.entries(selector).every(([k, v]) => labels[k] === v);

function checkSelectors(docs, d, ports) {
  const labels = d.obj.spec.template.metadata.labels;
  if (!selects(d.obj.spec.selector.matchLabels, labels)) problem(d.where, 'selector does not match the pod template');
  for (const s of find(docs, 'Service')) {
    if (!selects(s.obj.spec.selector, labels)) problem(s.where, 'selector does not match the Deployment\'s pods');
    for (const p of s.obj.spec.ports) {
      if (typeof p.targetPort === 'string' && !ports.has(p.targetPort)) problem(s.where, `targetPort ${p.targetPort} is no container port`);
    }
  }
  if (!find(docs, 'Service').some((s) => s.obj.spec.clusterIP === 'None')) problem(d.where, 'no headless Service');
  for (const p of find(docs, 'PodDisruptionBudget')) {
    if (!selects(p.obj.spec.selector.matchLabels, labels)) problem(p.where, 'selector does not match the Deployment\'s pods');
  }
  for (const n of find(docs, 'NetworkPolicy')) {
    if (!selects(n.obj.spec.podSelector.matchLabels, labels)) problem(n.where, 'podSelector does not match the Deployment\'s pods');
    for (const rule of n.obj.spec.ingress || []) {
      for (const p of rule.ports || []) {
        if (typeof p.port === 'string' && !ports.has(p.port)) problem(n.where, `port ${p.port} is no container port`);
      }
    }
  }
}

function checkJobs(docs) {
  const jobs = find(docs, 'Job');
  if (!jobs.length) problem('deploy/k8s', 'no batch Job');
  for (const d of jobs) {
    const spec = d.obj.spec;
    const pod = podSpec(d);
    checkPodSecurity(d, pod);
    if (spec.completionMode !== 'Indexed') problem(d.where, 'completionMode must be Indexed');
    if (pod.restartPolicy !== 'Never') problem(d.where, 'restartPolicy must be Never (podFailurePolicy needs it)');
    if (spec.backoffLimitPerIndex === undefined) problem(d.where, 'backoffLimitPerIndex is missing');
    const rules = (spec.podFailurePolicy && spec.podFailurePolicy.rules) || [];
    const container = pod.containers[0];
    const failIndex = rules.find((r) => r.action === 'FailIndex' && r.onExitCodes);
    if (!failIndex || failIndex.onExitCodes.operator !== 'In' || !failIndex.onExitCodes.values.includes(2)) {
      problem(d.where, 'podFailurePolicy needs FailIndex on exit code 2 (usage or manifest error)');
    } else if (failIndex.onExitCodes.containerName && failIndex.onExitCodes.containerName !== container.name) {
      problem(d.where, `the FailIndex rule names container ${failIndex.onExitCodes.containerName}, not ${container.name}`);
    }
    if (!rules.some((r) => r.action === 'Ignore' && (r.onPodConditions || []).some((c) => c.type === 'DisruptionTarget'))) {
      problem(d.where, 'podFailurePolicy needs Ignore on the DisruptionTarget condition');
    }
    const where = `${d.where}:container ${container.name}`;
    if (!container.command || container.command[0] !== CLI_BINARY) problem(where, `command must be [${CLI_BINARY}]`);
    const args = container.args || [];
    if (args[0] !== 'batch') problem(where, 'args must start with the batch command');
    const shard = args[args.indexOf('--shard') + 1] || '';
    const m = shard.match(/^\$\(JOB_COMPLETION_INDEX\)\/(\d+)$/);
    if (!args.includes('--shard') || !m) problem(where, '--shard must be $(JOB_COMPLETION_INDEX)/N');
    else if (Number(m[1]) !== spec.completions) problem(where, `--shard ${shard}: N must equal completions (${spec.completions})`);
    const index = (container.env || []).find((e) => e.name === 'JOB_COMPLETION_INDEX');
    const ref = index && index.valueFrom && index.valueFrom.fieldRef && index.valueFrom.fieldRef.fieldPath;
    if (ref !== "metadata.annotations['batch.kubernetes.io/job-completion-index']") {
      problem(where, 'env JOB_COMPLETION_INDEX must come from the job-completion-index annotation');
    }
  }
}

// --- Dockerfile ------------------------------------------------------------

function checkDockerfile(effective) {
  const rel = 'deploy/Dockerfile';
  const text = fs.readFileSync(path.join(root, rel), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = new Map();
  const stages = [];
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const value = rest.join(' ');
    const op = instruction.toUpperCase();
    if (op === 'ARG' && !stages.length) {
      const [k, v] = value.split('=');
      args.set(k, v);
    } else if (op === 'FROM') {
      const image = rest[0].replace(/^\$\{(\w+)\}$/, (_, k) => args.get(k) || '');
      stages.push({ image, name: rest[2], ops: [] });
    } else if (stages.length) {
      stages[stages.length - 1].ops.push({ op, value });
    }
  }
  if (stages.length < 2) {
    problem(rel, 'needs a build stage and a runtime stage');
    return;
  }
  const [build, runtime] = [stages[0], stages[stages.length - 1]];
  for (const s of stages) {
    if (!/^debian:12(-slim)?(@sha256:[0-9a-f]{64})?$/.test(s.image)) problem(rel, `stage ${s.name}: FROM ${s.image} is not Debian 12`);
  }
  const runs = build.ops.filter((o) => o.op === 'RUN').map((o) => o.value).join(' && ');
  for (const step of ['scripts/setup', 'scripts/build']) {
    if (!runs.split(/\s*&&\s*/).some((c) => c === step)) problem(rel, `build stage must RUN ${step} (the step CI runs), unchanged`);
  }
  if (!/-slim/.test(runtime.image)) problem(rel, 'runtime stage must be debian:12-slim');
  const last = (op) => runtime.ops.filter((o) => o.op === op).pop();
  const user = last('USER');
  if (!user || !new RegExp(`^${USER_ID}(:${USER_ID})?$`).test(user.value)) problem(rel, `runtime stage must end as USER ${USER_ID}:${USER_ID}`);
  const entry = last('ENTRYPOINT');
  let entrypoint = null;
  try {
    entrypoint = entry && JSON.parse(entry.value);
  } catch (e) {
    entrypoint = null;
  }
  if (!Array.isArray(entrypoint) || entrypoint[0] !== SERVER_BINARY) {
    problem(rel, `ENTRYPOINT must be the exec form ["${SERVER_BINARY}"] (so SIGTERM reaches the server)`);
  }
  const copied = runtime.ops.filter((o) => o.op === 'COPY').map((o) => o.value.split(/\s+/).pop());
  for (const binary of [SERVER_BINARY, CLI_BINARY]) {
    if (!copied.includes(binary)) problem(rel, `runtime stage must COPY ${binary}`);
  }
  if (!runtime.ops.some((o) => o.op === 'COPY' && o.value.includes('deploy/runtime-packages.txt'))) {
    problem(rel, 'runtime stage must install deploy/runtime-packages.txt');
  }
  const exposed = runtime.ops.filter((o) => o.op === 'EXPOSE').flatMap((o) => o.value.split(/\s+/)).map(Number);
  const config = effective || new Map();
  for (const key of ['listen', 'metrics_listen']) {
    const port = portOf(config.get(key) || (key === 'listen' ? ':50051' : ':9464'));
    if (!exposed.includes(port)) problem(rel, `EXPOSE lacks port ${port} (${key})`);
  }
  const ignore = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  for (const pattern of ['.git', 'build', '**/node_modules', '*.db']) {
    if (!ignore.includes(pattern)) problem('.dockerignore', `must exclude ${pattern}`);
  }
}

// --- main ------------------------------------------------------------------

if (mode === 'extract') {
  extract(arg);
} else {
  const docs = loadDocuments();
  const effective = arg ? parseConfig(fs.readFileSync(arg, 'utf8')) : null;
  checkSchemas(docs);
  checkServer(docs, effective);
  checkJobs(docs);
  checkDockerfile(effective);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`deploy: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`deploy: ${docs.length} documents in ${yamlFiles(K8S_DIR).length} files valid`);
}
