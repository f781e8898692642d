//! The presets gallery: each preset's title, what to watch and its paper; clicking one loads
//! its URL (the experiment and any notices, as opening the link would).

use crate::experiment::presets::PRESETS;
use crate::experiment::{url, Experiment};
use leptos::prelude::*;

/// The gallery. `notices` receives what the preset's URL decoding reported (normally nothing).
#[component]
pub fn PresetsPanel(exp: RwSignal<Experiment>, notices: RwSignal<Vec<String>>) -> impl IntoView {
    let load = move |u: &'static str| {
        let hash = u.rsplit_once('#').map_or(u, |(_, h)| h).trim_start_matches('?');
        let d = url::decode(hash);
        notices.set(d.notices.iter().map(|n| n.to_string()).collect());
        exp.set(d.experiment);
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };
    view! {
        <section class="panel presets" id="presets-panel">
            <h2>"Presets: experiments from papers"</h2>
            <div class="preset-list">
                {PRESETS.iter().map(|p| view! {
                    <button class="preset" id=format!("preset-{}", p.slug) title=p.url on:click=move |_| load(p.url)>
                        <b>{p.title}</b>
                        <span class="watch">{p.watch}</span>
                        <small class="paper">{p.paper}</small>
                    </button>
                }).collect_view()}
            </div>
        </section>
    }
}
