// Test-only (tests/test_clients.py): compile JSON Schemas with ajv in strict mode, where every
// `pattern` is a JavaScript RegExp with the 'u' flag (ECMA-262 unicode mode, as strict validators
// use), then validate instances. Reads {"schemas": {name: schema}, "instances": [[schema, label, data]]}
// on stdin; prints {"errors": [...]} (empty when everything compiled and validated).
"use strict";
const Ajv2020 = require("ajv/dist/2020").default;

function patterns(node, out) {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "pattern" && typeof v === "string") out.push(v);
      else patterns(v, out);
    }
  }
  return out;
}

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const errors = [];
const ajv = new Ajv2020({ strict: true, unicodeRegExp: true, allErrors: true });
ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" }); // yaml-language-server's extension
const validators = {};
for (const [name, schema] of Object.entries(input.schemas)) {
  for (const p of patterns(schema, [])) {
    try { new RegExp(p, "u"); } catch (e) { errors.push(`${name}: pattern ${p}: ${e.message}`); }
  }
  try { validators[name] = ajv.compile(schema); } catch (e) { errors.push(`${name}: ${e.message}`); }
}
for (const [name, label, data] of input.instances) {
  const validate = validators[name];
  if (validate && !validate(data)) {
    for (const e of validate.errors) errors.push(`${label}: ${e.instancePath || "/"} ${e.message}`);
  }
}
process.stdout.write(JSON.stringify({ errors }) + "\n");
