// The package's notebook kernel worker thread entry (the checkout's is src/notebook/kernel/node-worker.js).
import "../notebook/kernel/node-worker-main";
