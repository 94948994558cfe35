//! Which events an endpoint receives: the checkboxes, grouped by family (`user.*` for every
//! user event, or single types), and the list in words. No type ticked means every event. The
//! choice rules are plain Rust so they are tested natively.
use leptos::prelude::*;
use roster_api_types::event::EVENT_TYPES;

/// The families of [`EVENT_TYPES`] in the order first seen, with their types.
pub fn families() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for t in EVENT_TYPES {
        let family = t.split_once('.').map_or(*t, |(f, _)| f);
        match out.iter_mut().find(|(f, _)| *f == family) {
            Some((_, types)) => types.push(t),
            None => out.push((family, vec![t])),
        }
    }
    out
}

/// A family's name as a heading.
pub fn family_words(family: &str) -> String {
    match family {
        "user" => "Users".to_owned(),
        "group" => "Groups".to_owned(),
        "access" => "Product access".to_owned(),
        "directory" => "Directories".to_owned(),
        "api_key" => "Directory API keys".to_owned(),
        "site" => "Sites".to_owned(),
        "product" => "Products".to_owned(),
        other => other.to_owned(),
    }
}

/// What the server is sent: each ticked family as `family.*`, and each ticked type its family
/// does not already cover, sorted.
pub fn normalize(chosen: &[String]) -> Vec<String> {
    let mut out: Vec<String> = chosen
        .iter()
        .filter(|t| match t.split_once('.') {
            Some((family, rest)) if rest != "*" => {
                !chosen.iter().any(|c| *c == format!("{family}.*"))
            }
            _ => true,
        })
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The event types an endpoint receives, in words: "All events" when none is chosen.
pub fn event_types_text(types: &[String]) -> String {
    if types.is_empty() {
        "All events".to_owned()
    } else {
        types.join(", ")
    }
}

/// The event types as a list of codes, or "All events".
pub fn event_types_view(types: &[String]) -> AnyView {
    if types.is_empty() {
        return "All events".into_any();
    }
    let items = types
        .iter()
        .map(|t| view! { <li><code>{t.clone()}</code></li> })
        .collect_view();
    view! { <ul class="roster-inline-list">{items}</ul> }.into_any()
}

/// The checkboxes, one fieldset per family: first the whole family, then its types (covered,
/// and so disabled, while the family is ticked). `chosen` holds the ticked values.
#[component]
pub fn EventTypeChoices(chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let groups = families()
        .into_iter()
        .map(|(family, types)| {
            let all = format!("{family}.*");
            let family_on = {
                let all = all.clone();
                move || chosen.with(|c| c.contains(&all))
            };
            let types = types
                .into_iter()
                .map(|t| {
                    let covered = family_on.clone();
                    let checked = {
                        let covered = covered.clone();
                        move || covered() || chosen.with(|c| c.iter().any(|x| x == t))
                    };
                    view! {
                        <EventCheckbox value=t.to_owned() label=None chosen
                            checked=Signal::derive(checked) disabled=Signal::derive(covered)/>
                    }
                })
                .collect_view();
            let words = format!("Every {} event", singular(family));
            let checked = family_on.clone();
            view! {
                <fieldset class="roster-fieldset roster-events-family">
                    <legend>{family_words(family)}</legend>
                    <EventCheckbox value=all label=Some(words) chosen
                        checked=Signal::derive(checked) disabled=Signal::derive(|| false)/>
                    <div class="roster-events-family__types">{types}</div>
                </fieldset>
            }
        })
        .collect_view();
    let summary = move || {
        chosen.with(|c| {
            if c.is_empty() {
                "None ticked: the endpoint receives every event, including types added later."
                    .to_owned()
            } else {
                format!("The endpoint receives {}.", normalize(c).join(", "))
            }
        })
    };
    view! {
        <fieldset class="roster-fieldset" aria-describedby="roster-webhook-events-hint">
            <legend>"Event types"</legend>
            <p id="roster-webhook-events-hint" class="roster-hint" aria-live="polite">{summary}</p>
            <div class="roster-events-families">{groups}</div>
        </fieldset>
    }
}

/// "user" → "user", "api_key" → "API key": how a family reads inside "Every … event".
fn singular(family: &str) -> String {
    match family {
        "api_key" => "API key".to_owned(),
        "access" => "access".to_owned(),
        other => other.replace('_', " "),
    }
}

/// One checkbox: the wire value as its code, after `label` when given.
#[component]
fn EventCheckbox(
    value: String,
    label: Option<String>,
    chosen: RwSignal<Vec<String>>,
    checked: Signal<bool>,
    disabled: Signal<bool>,
) -> impl IntoView {
    let id = format!(
        "roster-webhook-event-{}",
        value.replace(['.', '*'], "-").replace("--", "-all")
    );
    let toggled = value.clone();
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        chosen.update(|c| {
            c.retain(|x| *x != toggled);
            if on {
                c.push(toggled.clone());
            }
        });
    };
    let code = view! { <code>{value}</code> };
    let text = match label {
        Some(words) => view! { {words} " " {code} }.into_any(),
        None => code.into_any(),
    };
    view! {
        <div class="roster-choice">
            <input id=id.clone() type="checkbox" prop:checked=checked disabled=disabled
                on:change=toggle/>
            <label for=id>{text}</label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_group_every_type_once() {
        let f = families();
        assert_eq!(f[0].0, "user");
        assert!(f
            .iter()
            .any(|(name, types)| *name == "access" && types.len() == 2));
        let total: usize = f.iter().map(|(_, t)| t.len()).sum();
        assert_eq!(total, EVENT_TYPES.len());
        for (name, _) in &f {
            assert!(!family_words(name).is_empty());
        }
    }

    #[test]
    fn a_ticked_family_covers_its_types() {
        let chosen = vec![
            "user.created".to_owned(),
            "user.*".to_owned(),
            "access.granted".to_owned(),
        ];
        assert_eq!(normalize(&chosen), vec!["access.granted", "user.*"]);
        assert_eq!(normalize(&[]), Vec::<String>::new());
        assert_eq!(event_types_text(&[]), "All events");
        assert_eq!(
            event_types_text(&["user.*".to_owned(), "access.*".to_owned()]),
            "user.*, access.*"
        );
    }
}
