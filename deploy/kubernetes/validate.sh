#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests: every file parses as YAML, every object has what the
# API server requires, and the objects agree with each other and with the silo's configuration
# (ports, probe paths, Secret names and keys, selectors). Needs python3 with PyYAML; no cluster and
# no network. If kubectl exists it also renders the kustomization (offline), and runs
# `kubectl apply --dry-run=client` when a cluster is reachable.
#
#   deploy/kubernetes/validate.sh        exit 0 when every check passes, 1 otherwise
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "validate.sh: python3 with PyYAML is required (apt-get install python3-yaml)" >&2
    exit 1
fi

python3 - "$here" <<'PY'
import os, sys, yaml

here = sys.argv[1]
failures = []
def check(ok, message):
    if not ok:
        failures.append(message)
    return ok

def load(name):
    with open(os.path.join(here, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]

files = sorted(f for f in os.listdir(here) if f.endswith(('.yaml', '.yml')))
objects = {}
for name in files:
    try:
        docs = load(name)
    except yaml.YAMLError as e:
        check(False, f"{name}: not valid YAML: {e}")
        continue
    for d in docs:
        if name == 'kustomization.yaml':
            continue
        kind = d.get('kind')
        meta = d.get('metadata') or {}
        check(bool(d.get('apiVersion')) and bool(kind), f"{name}: an object lacks apiVersion or kind")
        check(bool(meta.get('name')), f"{name}: a {kind} has no metadata.name")
        check('namespace' not in meta, f"{name}: {kind}/{meta.get('name')} sets a namespace; manifests must be namespace-agnostic")
        objects.setdefault(kind, {})[meta.get('name')] = (name, d)

kust = load('kustomization.yaml')[0]
resources = kust.get('resources', [])
for r in resources:
    check(os.path.exists(os.path.join(here, r)), f"kustomization.yaml lists {r}, which does not exist")
check('secret.example.yaml' not in resources, "kustomization.yaml must not apply the placeholder Secrets")
for f in files:
    if f not in ('kustomization.yaml', 'secret.example.yaml'):
        check(f in resources, f"{f} is not listed in kustomization.yaml")

def one(kind, name):
    found = objects.get(kind, {}).get(name)
    check(found is not None, f"missing {kind}/{name}")
    return found[1] if found else {}

secrets = {n: set((d.get('stringData') or {}) | (d.get('data') or {})) for n, (_, d) in objects.get('Secret', {}).items()}
config = one('ConfigMap', 'pulsepoint-silo').get('data', {})
check(config.get('PulsePoint__Silo__Clustering') == 'AdoNet', "ConfigMap: Clustering must be AdoNet")
check(config.get('PulsePoint__Silo__WebUrl') == 'http://0.0.0.0:8080', "ConfigMap: WebUrl must be http://0.0.0.0:8080 inside the pod")
check(all(isinstance(v, str) for v in config.values()), "ConfigMap: every value must be a string (quote numbers and booleans)")
check(not any('Database' in k or 'PASSWORD' in k.upper() for k in config), "ConfigMap: connection strings and passwords belong in Secrets")

def check_env(owner, container, allowed_secrets):
    for e in container.get('env', []):
        ref = (e.get('valueFrom') or {}).get('secretKeyRef')
        if ref:
            check(ref['name'] in allowed_secrets, f"{owner}: env {e['name']} reads Secret {ref['name']}, which it should not")
            check(ref['name'] in secrets, f"{owner}: env {e['name']} reads Secret {ref['name']}, not in secret.example.yaml")
            check(ref['key'] in secrets.get(ref['name'], set()), f"{owner}: env {e['name']} reads key {ref['key']} missing from Secret {ref['name']}")
    for src in container.get('envFrom', []):
        if 'configMapRef' in src:
            check(src['configMapRef']['name'] in objects.get('ConfigMap', {}), f"{owner}: envFrom names an unknown ConfigMap")

def check_hardening(owner, pod, container):
    psc, csc = pod.get('securityContext', {}), container.get('securityContext', {})
    check(psc.get('runAsNonRoot') is True, f"{owner}: pod must set runAsNonRoot")
    check(isinstance(psc.get('runAsUser'), int) and psc['runAsUser'] != 0, f"{owner}: pod must run as a non-zero uid")
    check(csc.get('readOnlyRootFilesystem') is True, f"{owner}: container must have a read-only root filesystem")
    check(csc.get('allowPrivilegeEscalation') is False, f"{owner}: container must forbid privilege escalation")
    check(csc.get('capabilities', {}).get('drop') == ['ALL'], f"{owner}: container must drop all capabilities")
    res = container.get('resources', {})
    check({'cpu', 'memory'} <= set(res.get('requests', {})) and {'cpu', 'memory'} <= set(res.get('limits', {})),
          f"{owner}: container needs cpu and memory requests and limits")
    check(pod.get('automountServiceAccountToken') is False, f"{owner}: no service-account token is needed")

dep = one('Deployment', 'pulsepoint-silo')
spec = dep.get('spec', {})
pod = spec.get('template', {}).get('spec', {})
pod_labels = spec.get('template', {}).get('metadata', {}).get('labels', {})
check(spec.get('replicas') == 3, "Deployment: 3 replicas")
check(spec.get('selector', {}).get('matchLabels', {}).items() <= pod_labels.items(), "Deployment: selector does not match the pod labels")
check(pod.get('terminationGracePeriodSeconds', 30) >= 60, "Deployment: terminationGracePeriodSeconds must cover the silo's shutdown budget (>= 60)")
silo = next((c for c in pod.get('containers', []) if c.get('name') == 'silo'), {})
check(silo.get('args') == ['run'], "Deployment: the silo container runs the `run` verb")
ports = {p['name']: p['containerPort'] for p in silo.get('ports', [])}
check(ports.get('silo') == int(config.get('PulsePoint__Silo__SiloPort', 0)), "Deployment: container port 'silo' differs from the ConfigMap's SiloPort")
check(ports.get('gateway') == int(config.get('PulsePoint__Silo__GatewayPort', 0)), "Deployment: container port 'gateway' differs from the ConfigMap's GatewayPort")
check(ports.get('web') == int(config.get('PulsePoint__Silo__WebUrl', ':0').rsplit(':', 1)[1].strip('/')), "Deployment: container port 'web' differs from the ConfigMap's WebUrl port")
probe = lambda p: (silo.get(p) or {}).get('httpGet', {})
check(probe('readinessProbe').get('path') == '/readyz', "Deployment: readiness probe must be /readyz")
check(probe('livenessProbe').get('path') == '/healthz', "Deployment: liveness probe must be /healthz")
check(all(probe(p).get('port') in ports for p in ('readinessProbe', 'livenessProbe', 'startupProbe')), "Deployment: a probe names an unknown port")
env = {e['name']: e for e in silo.get('env', [])}
adv = env.get('PulsePoint__Silo__AdvertisedAddress', {}).get('valueFrom', {}).get('fieldRef', {})
check(adv.get('fieldPath') == 'status.podIP', "Deployment: AdvertisedAddress must come from status.podIP")
check('PulsePoint__Database__Application' in env, "Deployment: the application connection string is required")
check('PulsePoint__Database__Orleans' in env, "Deployment: the Orleans connection string is required")
check('PulsePoint__Database__TenantContextKey' in env, "Deployment: the tenant context key is required")
check('PulsePoint__Database__Owner' not in env, "Deployment: silos must not hold the owner connection string")
gac = env.get('GOOGLE_APPLICATION_CREDENTIALS', {}).get('value', '')
mounts = {m['name']: m['mountPath'] for m in silo.get('volumeMounts', [])}
volumes = {v['name']: v for v in pod.get('volumes', [])}
check(all(n in volumes for n in mounts), "Deployment: a volumeMount names an unknown volume")
gvol = volumes.get(next((n for n, p in mounts.items() if gac.startswith(p + '/')), ''), {})
check(gvol.get('secret', {}).get('secretName') == 'pulsepoint-google', "Deployment: GOOGLE_APPLICATION_CREDENTIALS must point into the pulsepoint-google Secret mount")
check(gac.rsplit('/', 1)[-1] in secrets.get('pulsepoint-google', set()), "Deployment: GOOGLE_APPLICATION_CREDENTIALS names a key missing from the Secret")
check_env('Deployment', silo, {'pulsepoint-database', 'pulsepoint-tenant-context'})
check_hardening('Deployment', pod, silo)

job = one('Job', 'pulsepoint-migrate')
jpod = job.get('spec', {}).get('template', {}).get('spec', {})
jc = (jpod.get('containers') or [{}])[0]
check(jc.get('args') == ['migrate'], "Job: must run the `migrate` verb")
check(jc.get('image') == silo.get('image'), "Job: must use the silo's image, so the migrations match the silos")
check(jpod.get('restartPolicy') == 'Never', "Job: restartPolicy Never (required by podFailurePolicy)")
check(any(e['name'] == 'PulsePoint__Database__Owner' for e in jc.get('env', [])), "Job: needs the owner connection string")
check_env('Job', jc, {'pulsepoint-database-owner', 'pulsepoint-tenant-context'})
check_hardening('Job', jpod, jc)

for name, want_port in (('pulsepoint-gateway', 'gateway'), ('pulsepoint-web', 'web')):
    svc = one('Service', name).get('spec', {})
    check(svc.get('type', 'ClusterIP') == 'ClusterIP', f"Service/{name}: must stay ClusterIP (no authentication on gateway or dashboard)")
    check(bool(svc.get('selector')) and svc['selector'].items() <= pod_labels.items(), f"Service/{name}: selector does not match the silo pods")
    for p in svc.get('ports', []):
        check(p.get('targetPort') == want_port and want_port in ports, f"Service/{name}: targetPort must be the container's '{want_port}' port")
        check(p.get('port') == ports.get(want_port), f"Service/{name}: port differs from the container port")

pdb = one('PodDisruptionBudget', 'pulsepoint-silo').get('spec', {})
check(pdb.get('maxUnavailable') == 1 or pdb.get('minAvailable') == 2, "PodDisruptionBudget: maxUnavailable 1 or minAvailable 2")
check(pdb.get('selector', {}).get('matchLabels', {}).items() <= pod_labels.items(), "PodDisruptionBudget: selector does not match the silo pods")

kinds = sorted(f"{k}/{n}" for k, v in objects.items() for n in v)
if failures:
    print("\n".join("FAIL " + f for f in failures))
    sys.exit(1)
print(f"ok: {len(files)} files parse; {len(kinds)} objects consistent: {', '.join(kinds)}")
PY

if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize "$here" >/dev/null
    echo "ok: kubectl kustomize renders the kustomization"
    if kubectl version --request-timeout=3s >/dev/null 2>&1; then
        kubectl apply --dry-run=client -k "$here" >/dev/null
        echo "ok: kubectl apply --dry-run=client"
    else
        echo "skipped: kubectl apply --dry-run=client (no cluster reachable)"
    fi
fi
