import type { CpuInfo } from 'node:os';

/**
 * Share of all cores' time spent outside idle between two `os.cpus()` readings, [0, 1]: on
 * the 2-core machine, near 1 means the processes under test (and anything else running)
 * used every core, so CPU rather than the fleet bounded throughput.
 */
export function toCpuBusyShare(before: readonly CpuInfo[], after: readonly CpuInfo[]): number {
  let busyMs = 0;
  let totalMs = 0;
  after.forEach((cpu, index) => {
    const start = before[index];
    if (!start) return;
    const total = (times: CpuInfo['times']): number =>
      times.user + times.nice + times.sys + times.idle + times.irq;
    const elapsed = total(cpu.times) - total(start.times);
    totalMs += elapsed;
    busyMs += elapsed - (cpu.times.idle - start.times.idle);
  });
  return totalMs > 0 ? busyMs / totalMs : 0;
}
