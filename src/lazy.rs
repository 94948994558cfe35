//! Pages the release build loads on first visit. [`lazy_page!`] turns a page component into
//! what a `Route`'s `view` takes: under `--cfg roster_split` (set only by `cargo xtask dist`,
//! whose pipeline splits the wasm, see `xtask/src/split.rs`) a `Lazy` route whose page is a
//! `wasm_split` split point, so its code lands in a chunk fetched when the route is first
//! visited; in every other build (`trunk serve`, the wasm tests, clippy) the component itself.
//! A chunk that fails to load shows [`PageLoadError`] instead of the page; the failure is not
//! remembered, so visiting the page again tries again.
use leptos::prelude::*;

use crate::components::set_page_title;

/// `lazy_page!(chunk, name, crate::pages::Page)` defines `fn name() -> impl ChooseView` for
/// `<Route view=name()/>`, and in split builds `name::preload()`, which fetches the page's
/// chunk without showing it. Pages of one `chunk` load together (`split_<chunk>.wasm`): code
/// that several chunks share goes to further chunks, one per combination of chunks sharing it,
/// and a page fetches all of its chunk's, so few chunks keep the number of requests per page
/// small.
macro_rules! lazy_page {
    ($chunk:ident, $name:ident, $page:path) => {
        #[cfg(roster_split)]
        mod $name {
            use leptos::prelude::*;
            use leptos::wasm_split::{wasm_split, SplitLoaderError};
            use $page as Page;

            // The name must differ per page: it makes the split point's symbols.
            #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload))]
            pub(crate) fn $name() -> Result<AnyView, SplitLoaderError> {
                Ok(view! { <Page/> }.into_any())
            }

            /// The route's data: none, pages load their own.
            pub struct Route;

            impl leptos_router::LazyRoute for Route {
                fn data() -> Self {
                    Route
                }

                async fn view(_: Self) -> AnyView {
                    $name()
                        .await
                        .unwrap_or_else(|_| view! { <crate::lazy::PageLoadError/> }.into_any())
                }
            }
        }
        #[cfg(roster_split)]
        fn $name() -> impl leptos_router::ChooseView {
            leptos_router::Lazy::<$name::Route>::new()
        }
        #[cfg(not(roster_split))]
        fn $name() -> impl leptos_router::ChooseView {
            $page
        }
    };
}
pub(crate) use lazy_page;

/// Shown in place of a page whose code could not be fetched (offline, or a deploy replaced
/// `dist/` under an open console).
#[component]
pub fn PageLoadError() -> impl IntoView {
    set_page_title("Page not loaded");
    view! {
        <h1 tabindex="-1">"This page could not be loaded"</h1>
        <div class="roster-alert roster-alert--error" role="alert">
            <p class="roster-alert__message">
                "The console could not download this page's code. Check your connection, then \
                 open the page again or reload the console."
            </p>
        </div>
    }
}
