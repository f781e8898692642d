//! Keyboard shortcuts: space plays/pauses, → trains one step, r resets. Ignored while typing
//! in a field (input, select, textarea, editable text) and with modifier keys held.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Listen on the window for the page's lifetime.
pub fn install(
    toggle: impl Fn() + Clone + 'static,
    step: impl Fn() + Clone + 'static,
    reset: impl Fn() + Clone + 'static,
) {
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.repeat() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
        let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
        if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            || target.as_ref().is_some_and(|t| t.is_content_editable())
        {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                // A focused button would also be clicked by the space's keyup.
                if let Some(t) = target.filter(|_| tag == "BUTTON") {
                    let _ = t.blur();
                }
                toggle();
            }
            "ArrowRight" => {
                ev.prevent_default();
                step();
            }
            "r" | "R" => reset(),
            _ => {}
        }
    });
}
