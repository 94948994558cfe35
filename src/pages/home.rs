//! The page an admin lands on after signing in: the path from an empty organization to users
//! with product access, in the order the work has to happen. Text only — no numbers or lists
//! until there is real data to show.
use leptos::prelude::*;

use crate::components::set_page_title;
use crate::state::{use_auth, use_href};

/// "Getting started", the console's home route.
#[component]
pub fn HomePage() -> impl IntoView {
    set_page_title("Getting started");
    let auth = use_auth();
    let organization = move || {
        auth.with(|a| a.session().map(|s| s.organization.name.clone()))
            .unwrap_or_default()
    };
    view! {
        <section class="roster-page" aria-labelledby="roster-home-title">
            <h1 id="roster-home-title" tabindex="-1">"Getting started"</h1>
            <p class="roster-lead">
                "Roster keeps the users and groups of " <strong>{organization}</strong>
                " in step with your identity provider and decides who can use which product on which site. "
                "Setting it up takes four steps."
            </p>
            <ol class="roster-steps">
                <li>
                    <h2>"Create a directory for your identity provider"</h2>
                    <p>
                        "A directory is where one identity provider (IdP), such as Okta or Microsoft Entra ID, "
                        "provisions users and groups over SCIM 2.0. Create one directory per IdP connection "
                        "and give it a name you will recognise, such as “Okta users”."
                    </p>
                    <p>
                        <a href=use_href("/directories/new")>"Create a directory"</a>
                    </p>
                </li>
                <li>
                    <h2>"Copy the base URL and API key into your IdP"</h2>
                    <p>
                        "Each directory has its own SCIM base URL and API key. The key is shown only once, "
                        "so paste both into the IdP's provisioning settings straight away: in Okta, the "
                        "app's Provisioning tab (“SCIM connector base URL” and an HTTP header token); "
                        "in Entra ID, the enterprise app's Provisioning page (“Tenant URL” and “Secret token”). "
                        "From then on the IdP pushes every change to Roster."
                    </p>
                    <p>
                        <a href=use_href("/directories")>"See your directories"</a>
                        " and their sync logs."
                    </p>
                </li>
                <li>
                    <h2>"Add your sites"</h2>
                    <p>
                        "A site is one of your product deployments, identified by its URL, together with "
                        "the products it runs."
                    </p>
                </li>
                <li>
                    <h2>"Grant synced groups product access"</h2>
                    <p>
                        "Give groups from your IdP access to a product on a site. Roster shows how many "
                        "users gain access before you confirm. After that, access follows group "
                        "membership: people get it when the IdP adds them to the group and lose it when "
                        "they are removed."
                    </p>
                </li>
            </ol>
        </section>
    }
}
