// Parses an AsyncAPI document with the official parser (@asyncapi/parser, which validates it against
// @asyncapi/specs) and the official Avro schema parser, and prints every diagnostic as JSON:
// {"errors": [...], "warnings": [...], "channels": [...], "operations": [...], "messages": [...]}.
// Usage: node asyncapi_parse.cjs FILE
const fs = require("fs");
const { Parser } = require("@asyncapi/parser");
const { AvroSchemaParser } = require("@asyncapi/avro-schema-parser");

async function main() {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  const text = fs.readFileSync(process.argv[2], "utf8");
  const { document, diagnostics } = await parser.parse(text);
  const shown = (severity) =>
    diagnostics.filter((d) => d.severity === severity).map((d) => ({ code: d.code, message: d.message, path: d.path }));
  const result = { errors: shown(0), warnings: shown(1), channels: [], operations: [], messages: [] };
  if (document) {
    result.channels = document.channels().all().map((c) => ({ id: c.id(), address: c.address() }));
    result.operations = document.operations().all().map((o) => ({ id: o.id(), action: o.action(), channel: o.channels().all().map((c) => c.id()) }));
    result.messages = document.messages().all().map((m) => ({ id: m.id(), schemaFormat: m.schemaFormat(), payloadType: m.payload() ? m.payload().type() : null }));
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
