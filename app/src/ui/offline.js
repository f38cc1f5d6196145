// The tablet's offline store (IndexedDB): operations waiting for the network, in the
// order they were made, and the last availability seen of each product. Imported by the
// browser bundle (wasm-bindgen snippet); values cross as JSON text. Sending stays in Rust.

const DB_NAME = "vitrina-offline";
const OPS = "ops";
const SEEN = "seen";
let opened = null;

function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        if (!d.objectStoreNames.contains(OPS)) d.createObjectStore(OPS, { keyPath: "key" });
        if (!d.objectStoreNames.contains(SEEN)) d.createObjectStore(SEEN);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        opened = null;
        reject(req.error);
      };
    });
  }
  return opened;
}

function run(store, mode, work) {
  return db().then(
    (d) =>
      new Promise((resolve, reject) => {
        const tx = d.transaction(store, mode);
        let result;
        const req = work(tx.objectStore(store));
        if (req) req.onsuccess = () => (result = req.result);
        // Resolved on commit, so a written operation survives a reload that follows.
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

/// Adds or replaces one operation (`{key, seq, …}` as JSON).
export function opsPut(json) {
  const op = JSON.parse(json);
  return run(OPS, "readwrite", (s) => s.put(op)).then(() => undefined);
}

/// Every waiting operation as a JSON array, oldest first.
export function opsAll() {
  return run(OPS, "readonly", (s) => s.getAll()).then((all) => {
    (all || []).sort((a, b) => a.seq - b.seq);
    return JSON.stringify(all || []);
  });
}

export function opsDelete(key) {
  return run(OPS, "readwrite", (s) => s.delete(key)).then(() => undefined);
}

/// Remembers a product's last availability (JSON text) under `key`.
export function seenPut(key, json) {
  return run(SEEN, "readwrite", (s) => s.put(json, key)).then(() => undefined);
}

/// The JSON text stored under `key`, or "" when there is none.
export function seenGet(key) {
  return run(SEEN, "readonly", (s) => s.get(key)).then((v) => v || "");
}

/// Asks the browser to keep this origin's storage under pressure (true when granted).
export function persist() {
  if (navigator.storage && navigator.storage.persist) {
    return navigator.storage.persist().catch(() => false);
  }
  return Promise.resolve(false);
}

/// A random key for one operation (a UUID where the page is a secure context).
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/// Whether the browser thinks it has a network.
export function isOnline() {
  return navigator.onLine !== false;
}

/// Installs this build's service worker (`/sw.js`): pages and the bundle then open from
/// the tablet's cache on a repeat visit and through a network drop. Secure pages only
/// (https, or localhost), as browsers require.
export function registerWorker() {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }
}
