import { spawn } from 'node:child_process';

/** Runs mosquitto_pub once (an independent client) and resolves when it exits 0 (its output closed). */
export function mosquittoPub(port: number, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', reject);
    p.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}: ${err}`))));
  });
}

/**
 * Starts mosquitto_sub for `count` messages with an output format (`-F`); `subscribed` resolves
 * once it got its SUBACK, `lines` with the formatted messages when it exits.
 */
export function mosquittoSub(port: number, topic: string, count: number, format: string): { subscribed: Promise<void>; lines: Promise<string[]> } {
  // stdbuf: line-buffered stdout, so the SUBACK line arrives while mosquitto_sub runs
  const p = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-t', topic, '-C', String(count), '-q', '1', '-V', '5', '-d', '-F', format, '-W', '20'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let markSubscribed!: () => void;
  const subscribed = new Promise<void>((r) => (markSubscribed = r));
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('received SUBACK')) markSubscribed();
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    p.once('error', reject);
    // 'close', not 'exit': a child's last output can reach us after its exit event (a run of
    // the suite once lost the third of three messages that way).
    p.once('close', (code) => {
      if (code !== 0) return reject(new Error(`mosquitto_sub exited ${code}: ${out}`));
      resolve(out.split('\n').filter((l) => l.startsWith('MSG>')));
    });
  });
  return { subscribed, lines };
}
