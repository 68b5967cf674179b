// A byte stream to a port inside a Pod, through the sandbox's Kubernetes API server
// (pods/portforward over WebSocket, v4 channel protocol): the same way for every provider,
// with the API server's own authorization. Port i speaks on channel 2i (data) and 2i+1
// (errors); the first message on each is the port number, which is skipped here.

import { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';

const PROTOCOL = 'v4.channel.k8s.io';
const DATA = 0;
const ERROR = 1;
/** A target that sends more than this before the reader drains it pauses the socket. */
const HIGH_WATER = 256 << 10;

export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/** Opens the connection; rejects when the API server refuses (no such Pod, not running). */
export async function connectPodPort(config: KubeConfig, target: PodPort, timeoutMs = 15_000): Promise<Duplex> {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error('the sandbox kubeconfig names no API server');
  const url = new URL(`/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward`, server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('ports', String(target.port));
  const options: WebSocket.ClientOptions = { handshakeTimeout: timeoutMs, maxPayload: 4 << 20 };
  await config.applyToHTTPSOptions(options);
  const ws = new WebSocket(url, [PROTOCOL], options);

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        let message = body.trim();
        try {
          message = (JSON.parse(body) as { message?: string }).message ?? message;
        } catch {
          // not a Status: keep the text
        }
        reject(Object.assign(new Error(message || `HTTP ${res.statusCode}`), { status: res.statusCode }));
      });
    });
  });
  return channelStream(ws);
}

function channelStream(ws: WebSocket): Duplex {
  const seenPort = [false, false];
  let errorText = '';
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, done) {
      if (ws.readyState !== WebSocket.OPEN) return done(new Error('the port-forward connection closed'));
      ws.send(Buffer.concat([Buffer.of(DATA), chunk]), { binary: true }, (error) => done(error ?? null));
    },
    read() {
      if (ws.isPaused) ws.resume();
    },
    destroy(error, done) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      done(error);
    },
  });
  ws.on('message', (data: Buffer) => {
    const channel = data[0];
    if (channel !== DATA && channel !== ERROR) return;
    let payload = data.subarray(1);
    if (!seenPort[channel]) {
      seenPort[channel] = true;
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === ERROR) errorText += payload.toString('utf8');
    else if (!duplex.push(payload) || duplex.readableLength > HIGH_WATER) ws.pause();
  });
  ws.on('error', (error) => duplex.destroy(error));
  ws.on('close', () => {
    if (errorText) duplex.destroy(new Error(errorText.trim()));
    else duplex.push(null);
  });
  return duplex;
}
