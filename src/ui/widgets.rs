//! Small bound controls: each edits one URL key of the reactive `Experiment`, carries that key
//! as its DOM id, and is not rendered when the key is listed in `hide` (classroom links, like
//! TensorFlow Playground's `*_hide`) or when it does not apply (`when`).

use crate::experiment::Experiment;
use leptos::prelude::*;
use std::fmt::Display;
use std::str::FromStr;

/// One control's binding: the experiment, its URL key (= DOM id), label, and when it applies.
#[derive(Clone, Copy)]
pub struct Key {
    pub exp: RwSignal<Experiment>,
    pub key: &'static str,
    pub label: &'static str,
    pub when: fn(&Experiment) -> bool,
    pub help: &'static str,
}

fn always(_: &Experiment) -> bool {
    true
}

/// A control for `key`, always applicable.
pub fn key(exp: RwSignal<Experiment>, key: &'static str, label: &'static str) -> Key {
    let help = crate::experiment::url::KEYS.iter().find(|k| k.key == key).map_or("", |k| k.meaning);
    Key { exp, key, label, when: always, help }
}

impl Key {
    /// Only shown while `f` holds (e.g. momentum only for the momentum optimizer).
    pub fn when(self, f: fn(&Experiment) -> bool) -> Key {
        Key { when: f, ..self }
    }
    /// Rendered: applicable and not hidden.
    pub fn shown(&self) -> bool {
        self.exp.with(|e| (self.when)(e) && !is_hidden(e, self.key))
    }
}

/// `key` is listed in the experiment's `hide`.
pub fn is_hidden(e: &Experiment, key: &str) -> bool {
    e.hide.iter().any(|h| h == key)
}

/// Parse a number, clamped to `lo..=hi`; `None` for garbage or NaN (the control keeps its value).
pub fn num<T: FromStr + PartialOrd + Copy>(s: &str, lo: T, hi: T) -> Option<T> {
    let v: T = s.trim().parse().ok()?;
    #[allow(clippy::eq_op)] // NaN check that also works for integers
    if v != v {
        return None;
    }
    Some(if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    })
}

/// Number box (`change` applies it).
pub fn number<T>(k: Key, get: fn(&Experiment) -> T, set: fn(&mut Experiment, T), lo: T, hi: T) -> impl IntoView
where
    T: FromStr + PartialOrd + Copy + Display + Send + Sync + 'static,
{
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl" title=k.help>{k.label}
                    <input type="number" class="small" id=k.key step="any" min=lo.to_string() max=hi.to_string()
                        prop:value=move || exp.with(|e| get(e).to_string())
                        on:change=move |ev| if let Some(v) = num(&event_target_value(&ev), lo, hi) { exp.update(|e| set(e, v)) } />
                </label>
            }
        })
    }
}

/// Slider with its value shown (`input` applies it while dragging).
pub fn slider(
    k: Key,
    (lo, hi, step): (f32, f32, f32),
    get: fn(&Experiment) -> f32,
    set: fn(&mut Experiment, f32),
) -> impl IntoView {
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl slider" title=k.help>
                    <span>{k.label} " " <b>{move || exp.with(|e| get(e).to_string())}</b></span>
                    <input type="range" id=k.key min=lo.to_string() max=hi.to_string() step=step.to_string()
                        prop:value=move || exp.with(|e| get(e).to_string())
                        on:input=move |ev| if let Some(v) = num(&event_target_value(&ev), lo, hi) { exp.update(|e| set(e, v)) } />
                </label>
            }
        })
    }
}

/// Checkbox.
pub fn checkbox(k: Key, get: fn(&Experiment) -> bool, set: fn(&mut Experiment, bool)) -> impl IntoView {
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl check" title=k.help>
                    <input type="checkbox" id=k.key prop:checked=move || exp.with(get)
                        on:change=move |ev| exp.update(|e| set(e, event_target_checked(&ev))) />
                    {k.label}
                </label>
            }
        })
    }
}

/// Select over an enum's URL table (`types::ACT`, …).
pub fn select<T>(
    k: Key,
    table: &'static [(&'static str, T)],
    get: fn(&Experiment) -> T,
    set: fn(&mut Experiment, T),
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl" title=k.help>{k.label}
                    <select id=k.key
                        prop:value=move || exp.with(|e| crate::experiment::types::name_in(table, get(e)))
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some((_, t)) = table.iter().find(|(n, _)| *n == v) { exp.update(|e| set(e, *t)) }
                        }>
                        {table.iter().map(|(n, t)| {
                            let t = *t;
                            view! { <option value=*n selected=move || exp.with(|e| get(e) == t)>{*n}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        })
    }
}

/// Select over fixed string values (e.g. learning rates); a current value not in the list is
/// added, so any URL value shows as it is.
pub fn choice(
    k: Key,
    values: &'static [&'static str],
    get: fn(&Experiment) -> String,
    set: fn(&mut Experiment, &str),
) -> impl IntoView {
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl" title=k.help>{k.label}
                    <select id=k.key prop:value=move || exp.with(get)
                        on:change=move |ev| { let v = event_target_value(&ev); exp.update(|e| set(e, &v)) }>
                        {move || {
                            let cur = exp.with(get);
                            let mut vals: Vec<String> = values.iter().map(|s| s.to_string()).collect();
                            if !vals.contains(&cur) {
                                vals.push(cur.clone());
                            }
                            vals.into_iter().map(|v| { let sel = v == cur; view! { <option value=v.clone() selected=sel>{v.clone()}</option> } }).collect_view()
                        }}
                    </select>
                </label>
            }
        })
    }
}

/// Free text (comma lists such as `freqs`); `set` parses and ignores garbage.
pub fn text(k: Key, get: fn(&Experiment) -> String, set: fn(&mut Experiment, &str)) -> impl IntoView {
    let exp = k.exp;
    move || {
        k.shown().then(|| {
            view! {
                <label class="ctl" title=k.help>{k.label}
                    <input type="text" class="mid" id=k.key prop:value=move || exp.with(get)
                        on:change=move |ev| { let v = event_target_value(&ev); exp.update(|e| set(e, &v)) } />
                </label>
            }
        })
    }
}

/// Shortest decimal form of a float (as the URL writes it).
pub fn short(v: f32) -> String {
    let s = format!("{v}");
    if s.contains('e') {
        format!("{}", v as f64)
    } else {
        s
    }
}

/// A finite float from text, clamped to `lo..=hi`.
pub fn fnum(s: &str, (lo, hi): (f32, f32)) -> Option<f32> {
    num::<f32>(s, lo, hi).filter(|v| v.is_finite())
}
