//! The tablet's repeat visits and network drops: the bundle under `/v/{build}/pkg/…`
//! (cached for good: a new build is a new URL), and `/sw.js`, a service worker made for
//! this build. It keeps the bundle and the shop-floor pages (`/stock`, `/orders/new`, the
//! pages last opened) in a cache named after the build, answers the bundle from there,
//! pages from the network first and from the cache when there is none. A new build is a
//! new worker: it takes over at once and drops the old build's cache, so a page and the
//! bundle it hydrates with never come from two builds.

use app::state::AppState;
use app::ui::assets::assets;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

/// `/v/{build}/pkg/{file}`: the file from pkg when `build` is the running one (cached for
/// a year, immutable), 404 for another build (an old page must not hydrate with a new
/// bundle); `/pkg/{file}` itself is revalidated on each use.
pub async fn versioned_assets(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if let Some(rest) = path.strip_prefix("/v/") {
        let Some((build, file)) = rest.split_once('/') else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if build != assets(&state.leptos_options).build || !file.starts_with("pkg/") {
            return StatusCode::NOT_FOUND.into_response();
        }
        let Ok(uri) = format!("/{file}").parse::<http::Uri>() else {
            return StatusCode::NOT_FOUND.into_response();
        };
        *req.uri_mut() = uri;
        let mut res = next.run(req).await;
        if res.status().is_success() {
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
        }
        return res;
    }
    let pkg = path.starts_with("/pkg/");
    let mut res = next.run(req).await;
    if pkg && res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

/// Pages a seller needs through a drop, cached when the worker installs.
const PAGES: [&str; 3] = ["/", "/stock", "/orders/new"];

/// `/sw.js`: the service worker of this build.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let a = assets(&state.leptos_options);
    let root = a.root();
    let files: Vec<String> = a.files.iter().map(|f| format!("{root}/pkg/{f}")).collect();
    let script = WORKER
        .replace(
            "__BUILD__",
            &serde_json::to_string(&a.build).unwrap_or_default(),
        )
        .replace(
            "__ASSETS__",
            &serde_json::to_string(&files).unwrap_or_default(),
        )
        .replace(
            "__PAGES__",
            &serde_json::to_string(&PAGES).unwrap_or_default(),
        );
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Browsers look for a new worker on every visit; never from a stale cache.
            (header::CACHE_CONTROL, "no-cache"),
            // The worker itself fetches from this origin (the page CSP is not its own).
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
        ],
        script,
    )
        .into_response()
}

const WORKER: &str = r#"// Vitrina's service worker (made by the server for one build).
const BUILD = __BUILD__;
const CACHE = "vitrina-" + BUILD;
const ASSETS = __ASSETS__;
const PAGES = __PAGES__;
// A page waits this long for the network before the cached copy is shown.
const PAGE_WAIT_MS = 4000;
// Pages opened are kept for a drop, the most recent this many (besides PAGES).
const MAX_PAGES = 40;

// Drops the pages opened longest ago beyond MAX_PAGES (a cache's keys come in the
// order they were put; putting a page again moves it to the end).
async function trimPages(cache) {
  const keep = new Set(PAGES.map((p) => new URL(p, self.location.origin).href));
  const opened = (await cache.keys()).filter((k) => {
    const path = new URL(k.url).pathname;
    return !path.startsWith("/v/") && !keep.has(k.url);
  });
  for (const key of opened.slice(0, Math.max(0, opened.length - MAX_PAGES))) {
    await cache.delete(key);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    // Pages need the seller signed in; one that is not (a redirect) is left out.
    await Promise.all(PAGES.map(async (url) => {
      try {
        const res = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (res.ok && !res.redirected) await cache.put(url, res);
      } catch (_) {}
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("vitrina-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function cachedPage(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreVary: true }))
    || new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function page(event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.pathname === "/login" || url.pathname === "/logout") {
    // Another seller may take the tablet: their pages are not kept for the next one.
    const cache = await caches.open(CACHE);
    for (const key of await cache.keys()) {
      if (!new URL(key.url).pathname.startsWith("/v/")) await cache.delete(key);
    }
    return fetch(request);
  }
  const network = fetch(request).then(async (res) => {
    if (res.ok && !res.redirected && res.type === "basic") {
      const copy = res.clone();
      const cache = await caches.open(CACHE);
      await cache.delete(request, { ignoreVary: true });
      await cache.put(request, copy);
      await trimPages(cache);
    }
    return res;
  });
  const slow = new Promise((resolve) => setTimeout(resolve, PAGE_WAIT_MS, null));
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreVary: true });
    return cached || await network;
  } catch (_) {
    return cachedPage(request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/v/" + BUILD + "/")) {
    event.respondWith(caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request);
      if (hit) return hit;
      const res = await fetch(request);
      if (res.ok) await cache.put(request, res.clone());
      return res;
    }));
    return;
  }
  if (request.mode === "navigate") event.respondWith(page(event));
});

const OFFLINE_PAGE = `<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Vitrina</title></head>
<body style="font-family: sans-serif; padding: 2rem">
<h1>Нет сети · Offline</h1>
<p>Эта страница не сохранена на планшете. · This page is not saved on this tablet.</p>
<p><a href="/stock">Остатки · Stock</a> · <a href="/orders/new">Новый заказ · New order</a></p>
</body></html>`;
"#;
