// What the browser scripts share: named steps that are recorded, timed and logged, with a
// screenshot saved when one fails (widget.e2e.mjs, widget.resend.e2e.mjs).

export function log(line) {
  process.stdout.write(line + '\n');
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function slug(name) {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

// A `step(name, fn)` that runs fn, pushes {name, ok[, error]} onto `results`, logs
// "ok   name (ms) - info" or "FAIL name (ms): error" and, on failure, calls `screenshot(name)`
// (a path, or null when none could be saved) before throwing the error on.
export function stepRunner(results, screenshot) {
  return async function step(name, fn) {
    const started = Date.now();
    try {
      const info = await fn();
      results.push({ name, ok: true });
      log(`ok   ${name} (${Date.now() - started} ms)${info ? ' - ' + info : ''}`);
    } catch (err) {
      results.push({ name, ok: false, error: err.message });
      let saved = null;
      try {
        saved = await screenshot(name);
      } catch {
        saved = null;
      }
      log(`FAIL ${name} (${Date.now() - started} ms): ${err.message}${saved ? `\n     screenshot: ${saved}` : ''}`);
      throw err;
    }
  };
}
