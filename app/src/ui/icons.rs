//! Icons as inline SVG, drawn here on a 24×24 grid with the current text colour: they
//! show on every device (emoji need a font a tablet may lack) and cost a few bytes each.
//! An icon is decorative (`aria-hidden`) unless given a `label`; a control carrying an
//! icon gets its name from its text or its `aria-label`.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Home,
    Stock,
    Orders,
    Tasks,
    Clients,
    Chat,
    Documents,
    Reports,
    Campaigns,
    Settings,
    Menu,
    Bell,
    Clip,
    File,
    Image,
    Clock,
    Pencil,
    Reply,
    Close,
    Up,
    Down,
    Check,
    Undo,
    Flag,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Home => "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10",
            Icon::Stock => "M3 7l9-4 9 4-9 4zM3 7v10l9 4 9-4V7M12 11v10",
            Icon::Orders => "M8 6h13M8 12h13M8 18h13M3 6h1M3 12h1M3 18h1",
            Icon::Tasks | Icon::Check => "M4 12l5 5L20 6",
            Icon::Clients => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6",
            Icon::Chat => "M4 5h16v11H9l-5 4z",
            Icon::Documents | Icon::File => "M6 2h8l5 5v15H6zM14 2v5h5",
            Icon::Reports => "M4 20h16M7 16v-5M12 16V6M17 16V9",
            Icon::Campaigns => "M22 2L11 13M22 2l-7 20-4-9-9-4z",
            Icon::Settings => "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2",
            Icon::Menu => "M3 6h18M3 12h18M3 18h18",
            Icon::Bell => "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10 21a2 2 0 0 0 4 0",
            Icon::Clip => "M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7",
            Icon::Image => "M3 3h18v18H3zM9 10a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM21 15l-5-5L5 21",
            Icon::Clock => "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2",
            Icon::Pencil => "M17 3l4 4L8 20H4v-4z",
            Icon::Reply => "M9 17l-5-5 5-5M4 12h11a5 5 0 0 1 5 5v2",
            Icon::Close => "M6 6l12 12M18 6L6 18",
            Icon::Up => "M12 19V5M5 12l7-7 7 7",
            Icon::Down => "M12 5v14M19 12l-7 7-7-7",
            Icon::Undo => "M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3",
            Icon::Flag => "M5 21V4M5 4h12l-3 4 3 4H5",
        }
    }
}

/// `<Svg icon=Icon::Bell/>`: decorative; `<Svg icon=… label=…/>`: an image with a name.
#[component]
pub fn Svg(icon: Icon, #[prop(optional, into)] label: Option<Signal<String>>) -> impl IntoView {
    let named = label.is_some();
    view! {
        <svg class="icon" viewBox="0 0 24 24" focusable="false"
            aria-hidden=(!named).then_some("true")
            role=named.then_some("img")
            aria-label=move || label.map(|l| l.get())>
            <path d=icon.path()/>
        </svg>
    }
}
