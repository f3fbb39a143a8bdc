// Validates Kubernetes manifests (multi-document YAML files) against API schemas, one line per document:
//   built-in kinds: the Kubernetes OpenAPI schemas as compiled by kubernetes-models, at two versions (1.33.0, the
//     lowest the charts declare, and 1.36.0): a field present in both exists in every version between
//   ServiceMonitor: @kubernetes-models/prometheus-operator
//   custom resources: the openAPIV3Schema of every CustomResourceDefinition under --crds DIR (KServe's), with
//     unknown fields rejected as the API server's strict field validation (kubectl --validate=strict) does
// Exit status 1 when any document fails or has no schema.
//   node deploy/validate.mjs --modules NODE_MODULES [--crds DIR] FILE.yaml...
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
let modules = null;
let crdDir = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--modules") modules = args[++i];
  else if (args[i] === "--crds") crdDir = args[++i];
  else files.push(args[i]);
}
if (!modules || files.length === 0) {
  console.error("usage: node deploy/validate.mjs --modules NODE_MODULES [--crds DIR] FILE.yaml...");
  process.exit(2);
}
const require = createRequire(join(modules, "noop.js"));
const YAML = require("yaml");
const Ajv = require("ajv");

const KUBERNETES = ["k8s-1.33", "k8s-1.36"];
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Custom resources: group/version/kind -> compiled schema.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
const custom = new Map();
function strict(schema) {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(strict);
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = strict(v);
  if (out.properties && out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}
if (crdDir) {
  for (const name of readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of YAML.parseAllDocuments(readFileSync(join(crdDir, name), "utf8"))) {
      const crd = doc.toJS();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const v of crd.spec.versions) {
        const schema = strict(v.schema.openAPIV3Schema);
        // metadata: as the API server sees it (an ObjectMeta), not re-validated here beyond its name
        if (schema.properties?.metadata) schema.properties.metadata = { type: "object" };
        custom.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, { validate: ajv.compile(schema), from: name });
      }
    }
  }
}

// A model class of kubernetes-models (ESM: .mjs in 4.x, .js in 5.x), by package folder and apiVersion/kind.
async function builtIn(pkg, apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const base = join(modules, pkg, group, version, kind);
  for (const ext of [".mjs", ".js"]) {
    if (!existsSync(base + ext)) continue;
    const m = await import(pathToFileURL(base + ext).href);
    return m[kind] ?? m.default?.[kind] ?? null;
  }
  return null;
}

function describe(errors) {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ""}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ""}`).join("; ");
}

let failures = 0;
let checked = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  for (const d of docs) {
    if (d.errors.length) {
      console.log(`FAIL ${file}: YAML: ${d.errors[0].message}`);
      failures++;
      continue;
    }
    const doc = d.toJS();
    if (doc === null || doc === undefined) continue;
    const what = `${file}: ${doc.kind}/${doc.metadata?.name}`;
    checked++;
    const problems = [];
    if (!doc.apiVersion || !doc.kind) problems.push("no apiVersion/kind");
    if (!doc.metadata?.name || !DNS_SUBDOMAIN.test(doc.metadata.name) || doc.metadata.name.length > 253) {
      problems.push(`metadata.name '${doc.metadata?.name}' is not a DNS subdomain`);
    }
    const [group, version] = (doc.apiVersion ?? "").includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
    const key = `${group}/${version}/${doc.kind}`;
    let against = [];
    if (custom.has(key)) {
      const c = custom.get(key);
      if (!c.validate(doc)) problems.push(`${c.from}: ${describe(c.validate.errors)}`);
      against.push(c.from);
    } else if (group === "monitoring.coreos.com") {
      const Model = await builtIn("@kubernetes-models/prometheus-operator", doc.apiVersion, doc.kind);
      if (!Model) problems.push(`no schema for ${doc.apiVersion} ${doc.kind}`);
      else {
        try { new Model(doc).validate(); } catch (e) { problems.push(`prometheus-operator: ${e.message}`); }
        against.push("prometheus-operator");
      }
    } else {
      for (const pkg of KUBERNETES) {
        const Model = await builtIn(pkg, doc.apiVersion, doc.kind);
        if (!Model) {
          problems.push(`${pkg}: no ${doc.apiVersion} ${doc.kind} in Kubernetes ${pkg.slice(4)}`);
          continue;
        }
        try { new Model(doc).validate(); } catch (e) { problems.push(`${pkg}: ${e.message}`); }
        against.push(pkg.slice(4));
      }
    }
    if (problems.length) {
      failures++;
      console.log(`FAIL ${what}: ${problems.join(" | ")}`);
    } else {
      console.log(`ok   ${what} (${against.join(", ")})`);
    }
  }
}
console.log(`validate: ${checked - failures} documents valid, ${failures} invalid`);
process.exit(failures ? 1 : 0);
