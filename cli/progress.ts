/**
 * A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise (logs, CI). "percent": `total`
 * is 100 and only the percentage is shown (a model's progress as its team sees it).
 */
export function createProgressBar(label: string, total: number, write: (text: string) => void = (text) => process.stderr.write(text), unit: "bytes" | "count" | "percent" = "bytes") {
  const show = (value: number) => (unit === "bytes" ? formatSize(value) : String(value));
  const amount = (done: number) => (unit === "percent" ? "" : ` ${show(done)}/${show(total)}`);
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return {
    update(done: number) {
      const fraction = total === 0 ? 1 : Math.min(done / total, 1);
      if (tty) {
        const width = 30;
        const filled = Math.round(fraction * width);
        write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%${amount(done)}`);
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          write(`${label} ${decile * 10}%${unit === "percent" ? "" : ` (${show(done)} of ${show(total)})`}\n`);
        }
      }
    },
    finish() {
      if (tty) write("\n");
    },
  };
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
