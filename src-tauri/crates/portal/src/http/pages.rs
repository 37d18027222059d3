//! The portal's HTML pages, written with maud so every value is HTML-escaped. They load no
//! external resources and run no scripts.

use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = "
body{font-family:system-ui,sans-serif;background:#f3f5f7;color:#1d2733;margin:0}
main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:10px;padding:2rem;
box-shadow:0 2px 10px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin-top:0}
label{display:block;margin:1rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;
border:1px solid #9aa5b1;border-radius:6px;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:6px;
border:1px solid #1f5fa8;background:#1f5fa8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f5fa8}
.error{background:#fdecea;color:#8a1c13;padding:.7rem;border-radius:6px}
.hint{color:#52606d;font-size:.9rem}
code{background:#eef1f4;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
ul{padding-left:1.2rem} li{margin:.3rem 0}
header{color:#52606d;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em}
";

pub(crate) fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Ownchart Demo Portal" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    header { "Ownchart Demo Portal" }
                    (body)
                }
            }
        }
    }
}

/// A page that explains why the portal cannot continue (and does not send the person on).
pub(crate) fn error(title: &str, message: &str) -> Markup {
    layout(
        title,
        html! {
            h1 { (title) }
            p class="error" { (message) }
            p class="hint" { "You can close this page and return to the app." }
        },
    )
}

/// What the sign-in page needs to show.
pub(crate) struct LoginView<'a> {
    pub action: &'a str,
    pub session: &'a str,
    pub app: &'a str,
    pub username: &'a str,
    pub message: Option<&'a str>,
    pub demo_hint: bool,
}

pub(crate) fn login(v: &LoginView<'_>) -> Markup {
    layout(
        "Sign in",
        html! {
            h1 { "Sign in to your patient portal" }
            p { "The app " strong { (v.app) } " wants to connect to your records." }
            @if let Some(m) = v.message {
                p class="error" role="alert" { (m) }
            }
            form method="post" action=(v.action) {
                input type="hidden" name="session" value=(v.session);
                label for="username" { "Username" }
                input type="text" id="username" name="username" value=(v.username)
                    autocomplete="username" required autofocus;
                label for="password" { "Password" }
                input type="password" id="password" name="password"
                    autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            @if v.demo_hint {
                p class="hint" { "Demo account: username " code { "demo" } ", password " code { "demo" } "." }
            }
        },
    )
}

pub(crate) fn consent(
    action: &str,
    session: &str,
    app: &str,
    username: &str,
    asks: &[String],
) -> Markup {
    layout(
        "Allow access",
        html! {
            h1 { "Allow " (app) " to access your records?" }
            p { "Signed in as " strong { (username) } ". The app asks to:" }
            ul {
                @for line in asks { li { (line) } }
            }
            p class="hint" { "You can take this access back at any time." }
            form method="post" action=(action) {
                input type="hidden" name="session" value=(session);
                button type="submit" name="decision" value="allow" { "Allow" }
                " "
                button type="submit" name="decision" value="deny" class="secondary" { "Deny" }
            }
        },
    )
}

pub(crate) fn home(r4: &str, dstu2: &str) -> Markup {
    layout(
        "Welcome",
        html! {
            h1 { "Ownchart Demo Portal" }
            p { "A pretend patient portal with synthetic records, for trying Ownchart offline." }
            p { "FHIR R4: " code { (r4) } }
            p { "FHIR DSTU2: " code { (dstu2) } }
            p { a href="/account" { "Your account and API credentials" } }
        },
    )
}
