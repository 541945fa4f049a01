// Gives the event loop a turn between simulation batches (progress, cancel,
// messages to a worker), without the 4 ms clamp browsers put on nested
// setTimeout: setImmediate in Node, a MessageChannel round trip elsewhere.
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
