// Peak memory of the Chromium renderer that runs the bench page and its engine worker (a dedicated
// worker lives in its page's renderer process). A worker's JS heap cannot be read from outside without
// a debugger session per worker, so the bench reads the kernel's peak RSS of the renderer instead:
// Linux only (/proc), reset before each step (clear_refs 5) so each step reports its own peak.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command may hold spaces and parentheses: the fields after the last ')' are fixed
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Renderer processes started (through Chromium's own launcher chain) by this node process. */
function renderers(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('--type=renderer')) continue;
    for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 10; p = parentOf(p), hops++) {
      if (p === process.pid) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

export function resetRendererPeak(): void {
  for (const pid of renderers()) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // not permitted (not root): the peak is then the process's lifetime peak
    }
  }
}

/** The largest peak RSS (VmHWM) among this run's renderers, in MB; undefined where /proc is not there. */
export function rendererPeakMb(): number | undefined {
  let peak: number | undefined;
  for (const pid of renderers()) {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) peak = Math.max(peak ?? 0, Number(kb) / 1000);
    } catch {
      // the process ended
    }
  }
  return peak;
}
