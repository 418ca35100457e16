// The protocol between the Python tests and these scripts (tests/interop/node.py, run_node):
// one request per process, a JSON object on stdin whose "op" names the operation; the
// operation's result, a JSON object, on stdout. Anything thrown is printed to stderr with its
// stack and the process exits with 1, which run_node raises as NodeScriptError.
//
//   import { serve } from './stdio.mjs';
//   await serve({ decode: async (payload) => ({ ... }) });

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function serve(operations) {
  try {
    const payload = JSON.parse(await readStdin());
    const operation = operations[payload.op];
    if (typeof operation !== 'function') {
      throw new Error(`unknown op ${JSON.stringify(payload.op)}; known: ${Object.keys(operations).join(', ')}`);
    }
    const result = await operation(payload);
    process.stdout.write(JSON.stringify(result));
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    if (error?.details !== undefined) {
      process.stderr.write(`details: ${JSON.stringify(error.details)}\n`);
    }
    process.exitCode = 1;
  }
}

export function base64urlToJson(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}
