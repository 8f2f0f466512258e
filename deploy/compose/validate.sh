#!/usr/bin/env bash
# Offline checks of compose.yaml (and the compose.pubsub.yaml overlay): both parse as YAML and the
# services agree with each other and with the silo's configuration - depends_on targets exist, each
# silo advertises its own network address, ports are distinct and match WebUrl, the healthchecks
# and published ports, every required ${VAR:?} is in env.example. Needs python3 with PyYAML; no
# Docker engine. If `docker compose` exists it also runs `docker compose config`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python3 -c 'import yaml' 2>/dev/null || { echo "validate.sh: python3 with PyYAML is required" >&2; exit 1; }

python3 - "$here" <<'PY'
import ipaddress, os, re, sys, yaml
here = sys.argv[1]
failures = []
def check(ok, message):
    if not ok: failures.append(message)

def load(name):
    with open(os.path.join(here, name)) as f:
        text = f.read()
    return text, yaml.safe_load(text)

text, compose = load('compose.yaml')
overlay_text, overlay = load('compose.pubsub.yaml')
services = compose['services']

# Overlay merged the way compose merges mappings (environment, depends_on) for this check.
merged = {n: dict(s) for n, s in services.items()}
for n, s in overlay['services'].items():
    base = merged.setdefault(n, {})
    for k, v in s.items():
        base[k] = {**base.get(k, {}), **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v

for label, svcs in (('compose.yaml', services), ('compose.yaml + compose.pubsub.yaml', merged)):
    for n, s in svcs.items():
        check('image' in s or 'build' in s, f"{label}: {n} has neither image nor build")
        for dep in (s.get('depends_on') or {}):
            check(dep in svcs, f"{label}: {n} depends on unknown service {dep}")
        for net in (s.get('networks') or {}):
            check(net in compose.get('networks', {}), f"{label}: {n} uses undeclared network {net}")

env_example = open(os.path.join(here, 'env.example')).read()
for var in set(re.findall(r'\$\{(\w+):\?', text + overlay_text)):
    check(re.search(rf'^{var}=', env_example, re.M), f"env.example lacks {var}, which compose.yaml requires")

subnet = ipaddress.ip_network(compose['networks']['pulsepoint']['ipam']['config'][0]['subnet'])
silos = {n: s for n, s in services.items() if n.startswith('silo')}
check(2 <= len(silos) <= 3, "compose.yaml: 2-3 silo services")
seen = {'ip': set(), 'silo': set(), 'gateway': set(), 'web': set()}
cluster_ids = set()
for n, s in silos.items():
    env = s.get('environment', {})
    check(s.get('command') == ['run'], f"{n}: runs the `run` verb")
    check(env.get('PulsePoint__Silo__Clustering') == 'AdoNet', f"{n}: AdoNet clustering")
    check('PulsePoint__Database__Owner' not in env, f"{n}: silos must not hold the owner connection string")
    check('Host=postgres;' in env.get('PulsePoint__Database__Application', ''), f"{n}: application connection string must point at the postgres service")
    cluster_ids.add(env.get('PulsePoint__Silo__ClusterId'))
    ip = env.get('PulsePoint__Silo__AdvertisedAddress')
    check(s['networks']['pulsepoint']['ipv4_address'] == ip, f"{n}: AdvertisedAddress must be its fixed network address")
    check(ipaddress.ip_address(ip) in subnet, f"{n}: address {ip} outside {subnet}")
    web = int(env['PulsePoint__Silo__WebUrl'].rsplit(':', 1)[1].strip('/'))
    check(env['PulsePoint__Silo__WebUrl'].startswith('http://0.0.0.0:'), f"{n}: WebUrl must bind beyond loopback inside the container")
    for key, value in (('ip', ip), ('silo', env['PulsePoint__Silo__SiloPort']), ('gateway', env['PulsePoint__Silo__GatewayPort']), ('web', web)):
        check(str(value) not in seen[key], f"{n}: {key} {value} used by another silo")
        seen[key].add(str(value))
    test = ' '.join(s.get('healthcheck', {}).get('test', []))
    check(f'/dev/tcp/127.0.0.1/{web} ' in test and 'GET /readyz ' in test, f"{n}: healthcheck must ask /readyz on its own web port {web}")
    published = {p.split(':')[-1] for p in s.get('ports', [])}
    check(published == {str(web), str(env['PulsePoint__Silo__GatewayPort'])}, f"{n}: publishes {published}, expected its web and gateway ports")
    check(all(p.startswith('127.0.0.1:') for p in s.get('ports', [])), f"{n}: publish on 127.0.0.1 only (no authentication)")
    check(s.get('depends_on', {}).get('migrate', {}).get('condition') == 'service_completed_successfully', f"{n}: must wait for the migration")
    check(s.get('stop_grace_period') == '60s' and s.get('stop_signal') == 'SIGTERM', f"{n}: SIGTERM with a 60 s grace period")
check(len(cluster_ids) == 1, "silos must share one ClusterId")

mig = services.get('migrate', {})
check(mig.get('command') == ['migrate'], "migrate: runs the `migrate` verb")
check('PulsePoint__Database__Owner' in mig.get('environment', {}), "migrate: needs the owner connection string")
check(mig.get('depends_on', {}).get('postgres', {}).get('condition') == 'service_healthy', "migrate: waits for a healthy postgres")
check(str(services.get('postgres', {}).get('image', '')).startswith('postgres:15'), "postgres: PostgreSQL 15")
init = os.path.join(here, 'initdb', '10-pulsepoint-roles.sh')
check(os.access(init, os.X_OK), "initdb/10-pulsepoint-roles.sh must exist and be executable")
for n, s in services.items():
    b = s.get('build')
    if b:
        check(os.path.exists(os.path.join(here, b['context'], b['dockerfile'])), f"{n}: build.dockerfile not found")

if failures:
    print("\n".join("FAIL " + f for f in failures)); sys.exit(1)
print(f"ok: compose.yaml and compose.pubsub.yaml parse; {len(services)} services ({', '.join(services)}) consistent")
PY

if docker compose version >/dev/null 2>&1; then
    (cd "$here" && docker compose --env-file env.example -f compose.yaml -f compose.pubsub.yaml config --quiet)
    echo "ok: docker compose config"
else
    echo "skipped: docker compose config (the compose plugin is not installed)"
fi
