//! The sign-in page, shown in place of any route while signed out: the URL stays as requested,
//! so once the session exists the router renders the page the admin asked for.
use leptos::prelude::*;
use roster_api_types::SignIn;

use crate::api::{self, ApiError, Auth, SignedOutReason};
use crate::components::{set_page_title, BusyButton, ErrorBanner};
use crate::state::{check_session, use_auth, use_client, use_config, SignInMode};
use crate::CONSOLE_VERSION;

/// The sign-in form, plus why it is showing when there is a reason to say.
#[component]
pub fn SignInPage(
    /// Why the admin is signed out.
    #[prop(default = SignedOutReason::None)]
    reason: SignedOutReason,
) -> impl IntoView {
    set_page_title("Sign in");
    let config = use_config();
    let form = match config.sign_in_mode {
        SignInMode::Password => view! { <PasswordForm/> },
    };
    view! {
        <div class="roster-sign-in">
            <main class="roster-card" aria-labelledby="roster-sign-in-title">
                <p class="roster-brand">"Roster"</p>
                <h1 id="roster-sign-in-title">"Sign in"</h1>
                <ReasonNotice reason/>
                {form}
            </main>
            <footer class="roster-footer">"Roster console " {CONSOLE_VERSION}</footer>
        </div>
    }
}

/// Says why the form is showing: an ended session, or a server that could not be asked.
#[component]
fn ReasonNotice(reason: SignedOutReason) -> impl IntoView {
    match reason {
        SignedOutReason::None => ().into_any(),
        SignedOutReason::Expired => view! {
            <div class="roster-alert roster-alert--info" role="status">
                <p class="roster-alert__message">"Your session has ended. Sign in again to continue."</p>
            </div>
        }
        .into_any(),
        SignedOutReason::CheckFailed(error) => {
            let client = use_client();
            let auth = use_auth();
            let retry = Callback::new(move |()| check_session(client.clone(), auth));
            view! { <ErrorBanner error on_retry=retry/> }.into_any()
        }
    }
}

/// Email and password, submitted to `POST /api/v1/session`.
#[component]
fn PasswordForm() -> impl IntoView {
    let auth = use_auth();
    let client = use_client();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let client = client.clone();
        let sign_in = SignIn {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        api::create_session(&client, &sign_in).spawn(move |answer| match answer {
            // Setting the session replaces this page with the shell, so nothing here is
            // touched afterwards.
            Ok(session) => auth.set(Auth::SignedIn(session)),
            Err(e) => {
                busy.try_set(false);
                error.try_set(Some(e));
            }
        });
    };

    view! {
        <form class="roster-form" on:submit=on_submit>
            {move || {
                error
                    .get()
                    .map(|e| {
                        let hint = retry_hint(&e);
                        view! {
                            <ErrorBanner error=e/>
                            {hint.map(|h| view! { <p class="roster-hint">{h}</p> })}
                        }
                    })
            }}
            <div class="roster-field">
                <label for="roster-sign-in-email">"Email"</label>
                <input
                    id="roster-sign-in-email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    required
                    bind:value=email
                />
            </div>
            <div class="roster-field">
                <label for="roster-sign-in-password">"Password"</label>
                <input
                    id="roster-sign-in-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    bind:value=password
                />
            </div>
            <BusyButton label="Sign in" busy_label="Signing in…" busy submit=true primary=true/>
        </form>
    }
}

/// For a rate-limited attempt whose problem has no detail of its own (the server's detail
/// already names the wait), the wait from `Retry-After`.
fn retry_hint(error: &ApiError) -> Option<String> {
    match error {
        ApiError::Problem {
            problem,
            retry_after: Some(seconds),
            ..
        } if problem.status == 429 && problem.detail.is_none() => {
            Some(format!("You can try again in {}.", wait_in_words(*seconds)))
        }
        _ => None,
    }
}

/// "45 seconds", "1 minute", "3 minutes": rounded up, so the admin never retries too early.
fn wait_in_words(seconds: u32) -> String {
    match seconds {
        0..=1 => "a second".to_owned(),
        2..=59 => format!("{seconds} seconds"),
        _ => match seconds.div_ceil(60) {
            1 => "1 minute".to_owned(),
            minutes => format!("{minutes} minutes"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_api_types::Problem;

    #[test]
    fn waits_read_naturally_and_round_up() {
        assert_eq!(wait_in_words(1), "a second");
        assert_eq!(wait_in_words(45), "45 seconds");
        assert_eq!(wait_in_words(60), "1 minute");
        assert_eq!(wait_in_words(61), "2 minutes");
    }

    #[test]
    fn only_bare_rate_limits_with_retry_after_get_a_hint() {
        let problem = |status| Problem {
            type_: "about:blank".to_owned(),
            title: "T".to_owned(),
            status,
            detail: None,
            instance: None,
            errors: vec![],
        };
        let limited = ApiError::Problem {
            problem: Box::new(problem(429)),
            retry_after: Some(30),
            request_id: None,
        };
        assert_eq!(
            retry_hint(&limited).as_deref(),
            Some("You can try again in 30 seconds.")
        );
        let wrong = ApiError::Problem {
            problem: Box::new(problem(401)),
            retry_after: None,
            request_id: None,
        };
        assert_eq!(retry_hint(&wrong), None);
        let mut worded = problem(429);
        worded.detail = Some("Try again in 30 s.".to_owned());
        let worded = ApiError::Problem {
            problem: Box::new(worded),
            retry_after: Some(30),
            request_id: None,
        };
        assert_eq!(retry_hint(&worded), None, "the server already said it");
    }
}
