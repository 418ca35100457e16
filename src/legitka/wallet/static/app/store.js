// What the wallet keeps on the phone, in IndexedDB: the device key (a non-extractable WebCrypto
// CryptoKey, stored as the object itself so its private part never exists outside the browser's
// key store), the credential with what renewal needs, the PIN's hash and the cached trust list.

const DB_NAME = "legitka-wallet";
const STORE = "items";

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function get(key) {
  return run("readonly", (store) => store.get(key));
}

export function put(key, value) {
  return run("readwrite", (store) => store.put(value, key));
}

/** Write several items in one transaction: all of them or none. */
export async function putAll(items) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const [key, value] of Object.entries(items)) {
      if (value === undefined) store.delete(key);
      else store.put(value, key);
    }
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export function remove(key) {
  return run("readwrite", (store) => store.delete(key));
}
