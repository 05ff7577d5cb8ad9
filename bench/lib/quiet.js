// Waits until the machine is quiet: the CPU used on all cores (by other users; call it between runs, when the
// benchmark itself is idle) stays under MAX_PCT % over one second, or MAX_WAIT seconds passed. Prints the
// last reading. The two cores are shared with other users' builds; starting a run in a burst of theirs
// spoils it.   node quiet.js MAX_PCT MAX_WAIT
'use strict';
const fs = require('fs');
const [maxPct, maxWait] = process.argv.slice(2).map(Number);
const busy = () => {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
};
(async () => {
  const t0 = Date.now();
  let pct = 0;
  for (;;) {
    const b = busy();
    await new Promise((r) => setTimeout(r, 1000));
    pct = busy() - b; // ticks of 10 ms in one second = % of one core, summed over cores
    if (pct < maxPct || Date.now() - t0 > maxWait * 1000) break;
  }
  console.log(`${pct}% CPU used by others after ${Math.round((Date.now() - t0) / 1000)} s`);
})();
