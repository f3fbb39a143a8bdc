#!/usr/bin/env bash
# Checks the deployment files without a cluster (CI runs it; see docs/deploy.md, "What CI checks"):
#   1. helm lint (--strict) of both charts
#   2. helm template of the agent chart for every profile (cpu, intel, jetson) and both kinds (Deployment,
#      DaemonSet), with the default values and with deploy/tests/values-full.yaml (every option on); the cloud
#      chart with its defaults and with TLS, an authority and a fixed replica count
#   3. every rendered document, deploy/kserve/*.yaml and the CRDs validated against the API schemas
#      (deploy/validate.mjs: Kubernetes 1.33.0 and 1.36.0, prometheus-operator, the KServe CRDs in deploy/kserve/crds)
#   4. the agent config in each rendered ConfigMap passes 'edge-cascade config validate' (model paths mapped to the
#      test data, ${CAM_PASSWORD} set)
#   5. the checks can fail: each deploy/tests/bad-values/*.yaml is rejected by values.schema.json with the message
#      its '# expect:' line names, and each deploy/tests/invalid-manifests/*.yaml fails validation
#   deploy/check.sh          (after 'mvn -B package' or 'mvn -B verify': step 4 runs the built edge-cascade)
# Tools come from deploy/tools.sh (cached in ~/.cache/edge-cascade-tools). Output: target/deploy-check/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS
assets="${EDGE_CASCADE_ASSETS:-$(cd .. && pwd)/shared/data}"
agent="$root/app/target/edge-cascade/bin/edge-cascade"
out="$root/target/deploy-check"
fail() { echo "deploy/check.sh: FAILED: $*" >&2; exit 1; }
[[ -x "$agent" ]] || fail "$agent is missing; run 'mvn -B -DskipTests package' first"
[[ -f "$assets/models/yolox_nano.onnx" ]] || fail "no test data in $assets; set EDGE_CASCADE_ASSETS"
command -v python3 >/dev/null || fail "python3 is missing"
cache="$("$root/deploy/tools.sh")"
export PATH="$cache/bin:$PATH"
modules="$cache/validators/node_modules"
rm -rf "$out"
mkdir -p "$out/rendered" "$out/configs"
chart="deploy/helm/edge-cascade"
cloud_chart="deploy/helm/edge-cascade-cloud"
# helm logs the dashboard's symlink into configs/grafana at INFO on every call: keep its stderr for failures only
quiet() { "$@" 2>"$out/helm.err" || { cat "$out/helm.err" >&2; return 1; }; }

# 1. lint
for c in "$chart" "$cloud_chart"; do
  quiet helm lint --strict "$c" >"$out/lint.txt" || { cat "$out/lint.txt"; fail "helm lint $c"; }
done
quiet helm lint --strict "$chart" -f deploy/tests/values-full.yaml >"$out/lint.txt" \
  || { cat "$out/lint.txt"; fail "helm lint $chart -f deploy/tests/values-full.yaml"; }

# 2. render
for kind in Deployment DaemonSet; do
  storage=()
  [[ $kind == DaemonSet ]] && storage=(--set storage.type=hostPath)
  for profile in cpu intel jetson; do
    for variant in default full; do
      values=()
      [[ $variant == full ]] && values=(-f deploy/tests/values-full.yaml)
      quiet helm template edge "$chart" --namespace site-a "${values[@]}" --set kind=$kind --set profile=$profile \
        "${storage[@]}" >"$out/rendered/agent-$kind-$profile-$variant.yaml" \
        || fail "helm template $chart kind=$kind profile=$profile ($variant values)"
    done
  done
done
quiet helm template models "$cloud_chart" --namespace models >"$out/rendered/cloud-default.yaml" \
  || fail "helm template $cloud_chart"
quiet helm template models "$cloud_chart" --namespace models --set tls.secretName=cloud-tls --set tls.clientCa=true \
  --set authority=yolox.models.example.com --set autoscaling.enabled=false --set replicas=3 \
  >"$out/rendered/cloud-tls.yaml" || fail "helm template $cloud_chart (TLS, authority, no HPA)"
# What each render must hold beyond its schema: the kind asked for, the probes, the grace period, non-root.
python3 - "$out/rendered" <<'PY' || fail "rendered manifests"
import glob, sys, yaml
for path in sorted(glob.glob(sys.argv[1] + "/agent-*.yaml")):
    kind, profile = path.rsplit("/", 1)[1].split("-")[1:3]
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    work = [d for d in docs if d["kind"] in ("Deployment", "DaemonSet")]
    assert len(work) == 1 and work[0]["kind"] == kind, f"{path}: expected one {kind}"
    spec = work[0]["spec"]
    pod = spec["template"]["spec"]
    c = pod["containers"][0]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz" and c["readinessProbe"]["httpGet"]["path"] == "/readyz", path
    assert pod["terminationGracePeriodSeconds"] > 22, f"{path}: grace period under the agent's 20 s deadline + 2 s"
    assert pod["securityContext"]["runAsNonRoot"] and c["securityContext"]["readOnlyRootFilesystem"], path
    assert "--watch-config" in c["args"], path
    for init in pod.get("initContainers", []):
        sc = init["securityContext"]
        if sc.get("runAsUser") == 0:  # only the hostPath chown may run as root, with CHOWN alone
            assert init["name"] == "data-owner" and sc["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN"]}, path
    if kind == "Deployment":
        assert spec["strategy"]["type"] == "Recreate", path
    shm = [v for v in pod["volumes"] if v["name"] == "shm"][0]
    assert shm["emptyDir"]["medium"] == "Memory", path
    assert (pod.get("runtimeClassName") == "nvidia") == (profile == "jetson"), f"{path}: runtimeClassName"
    limits = c["resources"]["limits"]
    assert ("gpu.intel.com/i915" in limits) == (profile == "intel"), f"{path}: gpu.intel.com/i915"
    config = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-config")][0]
    text = config["data"]["config.yaml"]
    assert "not-a-real-password" not in text, f"{path}: a secret value reached the ConfigMap"
    cfg = yaml.safe_load(text)
    assert cfg["metrics"]["listen"].startswith("0.0.0.0:") and cfg["ui"]["persist"] is False, path
print(f"deploy/check.sh: {len(glob.glob(sys.argv[1] + '/agent-*.yaml'))} agent renders hold their kind, probes,"
      " grace period, security context and profile")
PY

# 3. schemas
node deploy/validate.mjs --modules "$modules" --crds deploy/kserve/crds "$out"/rendered/*.yaml deploy/kserve/*.yaml \
  deploy/kserve/crds/*.yaml >"$out/validate.txt" || { grep -v '^ok' "$out/validate.txt"; fail "schema validation"; }
tail -1 "$out/validate.txt"

# 4. the agent config of each distinct ConfigMap, as the agent would read it (models: the test data)
python3 - "$out/rendered" "$out/configs" "$assets" <<'PY' || fail "extracting the agent configs"
import glob, hashlib, sys, yaml
seen = {}
for path in sorted(glob.glob(sys.argv[1] + "/agent-*.yaml")):
    for d in yaml.safe_load_all(open(path)):
        if d and d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-config"):
            text = d["data"]["config.yaml"].replace("/data/models/", sys.argv[3] + "/models/")
            key = hashlib.sha256(text.encode()).hexdigest()[:12]
            if key not in seen:
                seen[key] = path
                open(f"{sys.argv[2]}/config-{key}.yaml", "w").write(text)
PY
for config in "$out"/configs/*.yaml; do
  CAM_PASSWORD=ci-check EDGE_UI_TOKEN=ci-check-ui-token-0123 EDGE_METRICS_TOKEN=ci-check-metrics-token-0123 \
    "$agent" config validate "$config" >"$config.txt" 2>&1 \
    || { cat "$config.txt"; fail "edge-cascade config validate of the rendered config $config"; }
  tail -1 "$config.txt" | grep -qx ok || { cat "$config.txt"; fail "config validate did not say ok: $config"; }
done
echo "deploy/check.sh: $(ls "$out"/configs/*.yaml | wc -l) distinct rendered agent configs pass 'config validate'"

# 5. the checks reject what they should
for values in deploy/tests/bad-values/*.yaml; do
  expected="$(sed -n 's/^# expect: //p' "$values")"
  [[ -n "$expected" ]] || fail "$values has no '# expect:' line"
  if helm template edge "$chart" -f "$values" >/dev/null 2>"$out/bad.err"; then
    fail "$values was accepted; values.schema.json should reject it"
  fi
  grep -qF -- "$expected" "$out/bad.err" || { cat "$out/bad.err"; fail "$values: the error does not say '$expected'"; }
done
echo "deploy/check.sh: $(ls deploy/tests/bad-values/*.yaml | wc -l) bad values files rejected with their message"
for manifest in deploy/tests/invalid-manifests/*.yaml; do
  if node deploy/validate.mjs --modules "$modules" --crds deploy/kserve/crds "$manifest" >"$out/invalid.txt"; then
    cat "$out/invalid.txt"; fail "$manifest passed validation; it should fail"
  fi
done
echo "deploy/check.sh: $(ls deploy/tests/invalid-manifests/*.yaml | wc -l) invalid manifests rejected"
echo "deploy/check.sh: ok after $((SECONDS - started)) s"
