//! The administration console beyond the first pages (`pages_admin.rs`):
//! creating, inviting, editing and deleting users, their sessions and API
//! keys, roles and their permissions, editing clients and rotating their
//! secrets, signing keys, upstream providers; destructive actions asked
//! first; and delegated administrators, who see and may do what their
//! permissions allow and nothing more.

use gatehouse_core::account::Role;
use gatehouse_core::audit::{AuditKind, AuditQuery, ClientInfo};
use gatehouse_core::flows::NewRole;
use serde_json::{json, Value};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;
use crate::rbac::user_with;

/// A browser signed in as `login` through the login page.
async fn sign_in(app: &TestApp, login: &str) -> Browser {
    let mut browser = Browser::new(&app.state.config.tokens.issuer);
    let page = browser.get("/login").await;
    let done = browser.sign_in(page, login, STRONG_PASSWORD).await;
    assert!(done.status == 200 || done.status == 303, "{login} signs in: {}", done.status);
    browser
}

/// The CSRF token on a page this browser opens.
async fn csrf(browser: &mut Browser, path: &str) -> String {
    let page = browser.get(path).await;
    page.field("csrf").unwrap_or_else(|| panic!("a form on {path}: {}", page.body))
}

/// Where a redirect leads, as a path and query on this server.
fn to(page: &Page) -> String {
    let location = page.location.as_deref().expect("a redirect");
    let url = url::Url::parse(location).expect("an absolute location");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Text between `start` and the next `end` in a page.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} in the page")) + start.len();
    &body[from..from + body[from..].find(end).unwrap()]
}

async fn count(app: &TestApp, kind: AuditKind) -> usize {
    let q = AuditQuery { kind: Some(kind), limit: 500, ..Default::default() };
    app.state.admin.audit_log(&operator(), q).await.unwrap().len()
}

/// A destructive post: without `confirmed=yes` it is sent to its
/// confirmation page (which says `says`) and changes nothing; confirmed, it
/// acts. Returns the confirmed answer.
async fn confirmed(browser: &mut Browser, path: &str, csrf: &str, says: &str) -> Page {
    let unconfirmed = browser.post(path, &[("csrf", csrf)]).await;
    assert_eq!(unconfirmed.status, 303, "{path}: {}", unconfirmed.body);
    assert_eq!(to(&unconfirmed), path, "to its confirmation page");
    let question = browser.get(path).await;
    assert_eq!(question.status, 200, "{path}");
    assert!(question.body.contains(says), "{path}: {}", question.body);
    assert!(question.body.contains("name=\"confirmed\" value=\"yes\""));
    browser.post(path, &[("csrf", csrf), ("confirmed", "yes")]).await
}

on_both_backends! {
    async fn an_admin_creates_invites_edits_and_deletes_users(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let root_id = user_with(&app, "root", &["admin"]).await;
        let mut root = sign_in(&app, "root").await;
        let token = csrf(&mut root, "/admin/users").await;

        // With a password: ready to sign in.
        let made = root.post("/admin/users", &[("csrf", &token), ("username", "carol"), ("email", "carol@example.com"),
            ("password", STRONG_PASSWORD), ("roles", ""), ("verified", "1")]).await;
        assert_eq!(made.status, 303, "{}", made.body);
        let carol = app.state.admin.find_user("carol").await.unwrap();
        assert_eq!(to(&made), format!("/admin/users/{}?notice=created", carol.id).as_str());
        assert!(carol.email_verified && carol.has_role("user"), "the default roles");
        assert_eq!(app.login("carol", STRONG_PASSWORD).await.status(), 200);

        // Invited: no password anyone knows, a mail with a link to choose one.
        let form = root.get("/admin/users").await;
        assert!(form.body.contains("<select id=\"locale\" name=\"locale\""), "the invitee's language is asked: {}", form.body);
        let made = root.post("/admin/users", &[("csrf", &token), ("username", "dave"), ("email", "dave@example.com"),
            ("password", ""), ("roles", "user"), ("locale", "es")]).await;
        assert_eq!(made.status, 303, "{}", made.body);
        let dave = app.state.admin.find_user("dave").await.unwrap();
        assert!(dave.password_reset_required && !dave.email_verified);
        assert_eq!(dave.locale.map(|l| l.tag()).as_deref(), Some("es"), "its mails are in Spanish");
        assert!(!outbox_token(&app, "dave@example.com", "reset-password").await.is_empty());

        // Wrong fields: the form again with the error under its field, the values kept.
        let again = root.post("/admin/users", &[("csrf", &token), ("username", "carol"), ("email", "c2@example.com"),
            ("password", STRONG_PASSWORD)]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("id=\"username-error\"") && again.body.contains("value=\"c2@example.com\""), "{}", again.body);
        let again = root.post("/admin/users", &[("csrf", &token), ("username", "erin"), ("email", "erin@example.com"),
            ("password", "short")]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("id=\"password-error\""), "{}", again.body);
        assert!(!again.body.contains("value=\"short\""), "a password is never written back");
        let again = root.post("/admin/users", &[("csrf", &token), ("username", "erin"), ("email", "erin@example.com"),
            ("roles", "no-such-role")]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("id=\"roles-error\""), "{}", again.body);
        assert!(app.state.admin.find_user("erin").await.is_err());

        // Edit: a new username and address (unverified unless ticked).
        let path = format!("/admin/users/{}", carol.id);
        let saved = root.post(&path, &[("csrf", &token), ("username", "caroline"), ("email", "caroline@example.com")]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = app.state.admin.find_user("caroline").await.unwrap();
        assert_eq!((after.email.as_str(), after.email_verified), ("caroline@example.com", false));
        let taken = root.post(&path, &[("csrf", &token), ("username", "dave"), ("email", "caroline@example.com")]).await;
        assert_eq!(taken.status, 422);
        assert!(taken.body.contains("id=\"username-error\""), "{}", taken.body);

        // Her sessions and API keys, listed and ended one by one.
        let signed: Value = app.login("caroline", STRONG_PASSWORD).await.json().await.unwrap();
        let access = signed["access_token"].as_str().unwrap().to_owned();
        let key: Value = app.post("/api/auth/api-keys").bearer_auth(&access).json(&json!({"name": "deploy script"}))
            .send().await.unwrap().json().await.unwrap();
        let page = root.get(&path).await;
        assert!(between(&page.body, "id=\"keys\"", "</section>").contains("deploy script"), "{}", page.body);
        assert!(between(&page.body, "id=\"sessions\"", "</section>").contains(">gatehouse-tests</span>"), "{}", page.body);
        let sessions = app.state.admin.user_sessions(&operator(), carol.id).await.unwrap();
        assert_eq!(sessions.len(), 2, "the two sign-ins");
        let ended = root.post(&format!("{path}/sessions/end"), &[("csrf", &token), ("session", &sessions[0].id.to_string())]).await;
        assert_eq!(to(&ended), format!("{path}?notice=session_ended").as_str());
        assert_eq!(app.state.admin.user_sessions(&operator(), carol.id).await.unwrap().len(), 1);
        let key_id = key["id"].as_str().unwrap();
        let revoked = root.post(&format!("{path}/api-keys/revoke"), &[("csrf", &token), ("key", key_id)]).await;
        assert_eq!(to(&revoked), format!("{path}?notice=key_revoked").as_str());
        let page = root.get(&path).await;
        assert!(between(&page.body, "id=\"keys\"", "</section>").contains("No API keys."), "{}", page.body);
        let all = confirmed(&mut root, &format!("{path}/sessions/end-all"), &token, "Every session of caroline ends now").await;
        assert_eq!(to(&all), format!("{path}?notice=sessions_ended").as_str());
        assert!(app.state.admin.user_sessions(&operator(), carol.id).await.unwrap().is_empty());

        // Demand a new password: asked first.
        let reset = confirmed(&mut root, &format!("{path}/password-reset"), &token, "will have to choose a new password").await;
        assert_eq!(to(&reset), format!("{path}?notice=reset_required").as_str());
        assert!(app.state.admin.find_user("caroline").await.unwrap().password_reset_required);

        // Delete: asked first; not oneself.
        let own = root.post(&format!("/admin/users/{root_id}/delete"), &[("csrf", &token), ("confirmed", "yes")]).await;
        assert_eq!(to(&own), format!("/admin/users/{root_id}?notice=self_delete").as_str());
        let gone = confirmed(&mut root, &format!("{path}/delete"), &token, "This cannot be undone").await;
        assert_eq!(to(&gone), "/admin/users?notice=deleted");
        assert!(app.state.admin.find_user("caroline").await.is_err());
        assert_eq!(root.get(&path).await.status, 404);
        assert_eq!(count(&app, AuditKind::AccountDeleted).await, 1);
    }

    async fn an_admin_manages_roles_and_their_permissions(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        user_with(&app, "root", &["admin"]).await;
        let alice = user_with(&app, "alice", &[]).await;
        let mut root = sign_in(&app, "root").await;
        let list = root.get("/admin/roles").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("aria-current=\"page\">Roles") && list.body.contains("value=\"users:read\""));
        let token = list.field("csrf").unwrap();

        // Ticked catalog permissions and typed ones of an application.
        let made = root.post("/admin/roles", &[("csrf", &token), ("name", "support"), ("description", "The help desk"),
            ("permission", "users:read"), ("permission", "audit:read"), ("other", "tickets:read, tickets:write")]).await;
        assert_eq!(made.status, 303, "{}", made.body);
        assert_eq!(to(&made), "/admin/roles/support?notice=created");
        let (role, _) = app.state.admin.role(&operator(), "support").await.unwrap();
        let granted: Vec<&str> = role.permissions.iter().map(|p| p.as_str()).collect();
        assert_eq!(granted, ["audit:read", "tickets:read", "tickets:write", "users:read"]);

        // Errors under their fields.
        let bad = root.post("/admin/roles", &[("csrf", &token), ("name", "Support Desk"), ("other", "not a permission")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"name-error\"") && bad.body.contains("id=\"permissions-error\""), "{}", bad.body);
        let taken = root.post("/admin/roles", &[("csrf", &token), ("name", "support")]).await;
        assert_eq!(taken.status, 422);
        assert!(taken.body.contains("id=\"name-error\""), "{}", taken.body);

        // Change it: holders get the new permissions at once.
        app.state.admin.set_roles(&operator(), alice, vec![Role::parse("support").unwrap()], &ClientInfo::default()).await.unwrap();
        let page = root.get("/admin/roles/support").await;
        assert!(page.body.contains("1 user") && page.body.contains("value=\"audit:read\" checked"), "{}", page.body);
        let saved = root.post("/admin/roles/support", &[("csrf", &token), ("description", "Help desk"),
            ("permission", "users:read"), ("other", "tickets:read")]).await;
        assert_eq!(to(&saved), "/admin/roles/support?notice=saved");
        let alice_now = app.state.admin.find_user("alice").await.unwrap();
        let held: Vec<&str> = alice_now.permissions.iter().map(|p| p.as_str()).collect();
        assert_eq!(held, ["tickets:read", "users:read"]);
        // The admin role keeps the catalog.
        let kept = root.post("/admin/roles/admin", &[("csrf", &token), ("permission", "users:read")]).await;
        assert_eq!(kept.status, 422);
        assert!(kept.body.contains("id=\"permissions-error\""), "{}", kept.body);

        // Delete: asked first, saying who holds it; taken from them.
        let gone = confirmed(&mut root, "/admin/roles/support/delete", &token, "taken from the 1 user").await;
        assert_eq!(to(&gone), "/admin/roles?notice=deleted");
        assert!(!app.state.admin.find_user("alice").await.unwrap().has_role("support"));
        let builtin = root.post("/admin/roles/user/delete", &[("csrf", &token), ("confirmed", "yes")]).await;
        assert_eq!(builtin.status, 409, "{}", builtin.body);
        assert!(app.state.admin.role(&operator(), "user").await.is_ok());
    }

    async fn an_admin_edits_clients_and_rotates_their_secrets(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        user_with(&app, "root", &["admin"]).await;
        let shop = register_client(&app, web_app(false)).await;
        let mut root = sign_in(&app, "root").await;
        let path = format!("/admin/clients/{}", shop.id);
        let page = root.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let token = page.field("csrf").unwrap();

        let saved = root.post(&path, &[("csrf", &token), ("name", "Shop 2"),
            ("redirect_uris", "https://shop.example.com/cb\nhttps://shop.example.com/other"), ("scopes", "openid email")]).await;
        assert_eq!(to(&saved), format!("{path}?notice=saved").as_str(), "{}", saved.body);
        let after = app.state.admin.client(&operator(), &shop.id).await.unwrap();
        assert_eq!(after.name, "Shop 2");
        assert_eq!(after.redirect_uris, ["https://shop.example.com/cb", "https://shop.example.com/other"]);
        assert!(after.secret_matches(shop.secret.as_deref().unwrap()), "the secret stays");
        let bad = root.post(&path, &[("csrf", &token), ("name", "Shop"), ("redirect_uris", "http://evil.example/cb")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"redirect_uris-error\""), "{}", bad.body);

        // A home page and logo: kept and shown; an empty field removes one; a bad one is named under its field.
        let saved = root.post(&path, &[("csrf", &token), ("name", "Shop 2"), ("redirect_uris", "https://shop.example.com/cb"),
            ("client_uri", "https://shop.example.com/"), ("logo_uri", "https://cdn.example.com/shop.png")]).await;
        assert_eq!(to(&saved), format!("{path}?notice=saved").as_str(), "{}", saved.body);
        let after = app.state.admin.client(&operator(), &shop.id).await.unwrap();
        assert_eq!((after.client_uri.as_deref(), after.logo_uri.as_deref()), (Some("https://shop.example.com/"), Some("https://cdn.example.com/shop.png")));
        let page = root.get(&path).await;
        assert!(page.body.contains("name=\"logo_uri\" type=\"text\" value=\"https:&#x2f;&#x2f;cdn.example.com&#x2f;shop.png\""), "{}", page.body);
        let saved = root.post(&path, &[("csrf", &token), ("name", "Shop 2"), ("redirect_uris", "https://shop.example.com/cb"),
            ("client_uri", "https://shop.example.com/"), ("logo_uri", "")]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = app.state.admin.client(&operator(), &shop.id).await.unwrap();
        assert_eq!((after.client_uri.as_deref(), after.logo_uri), (Some("https://shop.example.com/"), None));
        let bad = root.post(&path, &[("csrf", &token), ("name", "Shop 2"), ("redirect_uris", "https://shop.example.com/cb"),
            ("logo_uri", "javascript:alert(1)")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"logo_uri-error\"") && !bad.body.contains("id=\"client_uri-error\""), "{}", bad.body);

        // Rotate: asked first, the new secret shown once, the old one dead.
        let rotated = confirmed(&mut root, &format!("{path}/secret"), &token, "The old one stops working at once").await;
        assert_eq!(rotated.status, 200, "{}", rotated.body);
        let secret = between(&rotated.body, "<p class=\"secret\" id=\"client-secret\">", "</p>").to_owned();
        let after = app.state.admin.client(&operator(), &shop.id).await.unwrap();
        assert!(after.secret_matches(&secret) && !after.secret_matches(shop.secret.as_deref().unwrap()));
        assert!(!root.get(&path).await.body.contains(&secret), "shown once");

        // Delete: asked first.
        let gone = confirmed(&mut root, &format!("{path}/delete"), &token, "This cannot be undone").await;
        assert_eq!(to(&gone), "/admin/clients?notice=deleted");
        assert!(app.state.admin.client(&operator(), &shop.id).await.is_err());
    }

    async fn an_admin_rotates_keys_and_manages_upstream_providers(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        user_with(&app, "root", &["admin"]).await;
        let mut root = sign_in(&app, "root").await;
        let before = app.state.admin.all_keys(&operator()).await.unwrap();
        let page = root.get("/admin/keys").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&before[0].kid) && page.body.contains("current: signs"), "{}", page.body);
        let token = csrf(&mut root, "/admin/users").await;
        let rotated = confirmed(&mut root, "/admin/keys/rotate", &token, "Tokens already issued keep working").await;
        assert_eq!(to(&rotated), "/admin/keys?notice=rotated");
        let after = app.state.admin.all_keys(&operator()).await.unwrap();
        assert_ne!(after[0].kid, before[0].kid);

        // An upstream provider: added (its secret never shown), on the login page, removed.
        let added = root.post("/admin/upstreams", &[("csrf", &token), ("preset", "oidc"), ("id", "corp"), ("name", "Corp"),
            ("issuer", "https://login.corp.example"), ("client_id", "gatehouse"), ("client_secret", "upstream secret 123")]).await;
        assert_eq!(to(&added), "/admin/upstreams?notice=added", "{}", added.body);
        let page = root.get("/admin/upstreams?notice=added").await;
        assert!(page.body.contains("Sign in with Corp") && page.body.contains("/login/upstream/corp/callback"));
        assert!(!page.body.contains("upstream secret 123"));
        assert!(Browser::new(&app.state.config.tokens.issuer).get("/login").await.body.contains("Sign in with Corp"));
        let bad = root.post("/admin/upstreams", &[("csrf", &token), ("preset", "oidc"), ("id", "Bad Id"),
            ("client_id", "x"), ("client_secret", "y")]).await;
        assert_eq!(bad.status, 422);
        assert!(!bad.body.contains("value=\"y\""), "the secret is not written back");
        let removed = confirmed(&mut root, "/admin/upstreams/corp/remove", &token, "leaves the login page").await;
        assert_eq!(to(&removed), "/admin/upstreams?notice=removed");
        assert!(app.state.auth.upstreams().await.unwrap().is_empty());
        let events = app.state.admin.audit_log(&operator(), AuditQuery { kind: Some(AuditKind::UpstreamAdded), limit: 5, ..Default::default() }).await.unwrap();
        assert!(events[0].actor.is_some(), "the audit log names who added it");
    }

    async fn delegated_admins_see_and_do_only_what_their_permissions_allow(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        user_with(&app, "root", &["admin"]).await;
        let role = NewRole { name: "helpdesk".into(), description: String::new(), permissions: vec!["users:read".into(), "audit:read".into()] };
        app.state.admin.create_role(&operator(), role, &ClientInfo::default()).await.unwrap();
        user_with(&app, "hannah", &["helpdesk"]).await;
        let bob = user_with(&app, "bob", &[]).await;
        user_with(&app, "plain", &[]).await;
        let shop = register_client(&app, web_app(false)).await;

        let mut hannah = sign_in(&app, "hannah").await;
        assert!(hannah.get("/account").await.body.contains("href=\"/admin\""), "the account page links the console");
        let start = hannah.get("/admin").await;
        assert_eq!(to(&start), "/admin/users");
        let users = hannah.get("/admin/users").await;
        assert_eq!(users.status, 200);
        // The tabs she may open, and no more.
        assert!(users.body.contains("href=\"/admin/users\"") && users.body.contains("href=\"/admin/audit\""));
        for tab in ["/admin/roles\"", "/admin/clients\"", "/admin/keys\"", "/admin/upstreams\""] {
            assert!(!users.body.contains(tab), "{tab}");
        }
        assert!(!users.body.contains("Create a user"));
        let page = hannah.get(&format!("/admin/users/{bob}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("bob@example.com"));
        for form in ["/disable\"", "/mfa-reset\"", "/roles\"", "/password-reset\"", "/delete\"", "/sessions/end\""] {
            assert!(!page.body.contains(form), "{form} is not offered");
        }
        assert_eq!(hannah.get(&format!("/admin/audit?user={bob}")).await.status, 200);
        for path in ["/admin/roles".to_owned(), "/admin/clients".into(), format!("/admin/clients/{}", shop.id), "/admin/keys".into(),
                     "/admin/upstreams".into(), format!("/admin/users/{bob}/delete"), "/admin/keys/rotate".into()] {
            let page = hannah.get(&path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.body.contains("Your roles do not allow this"), "{path}: {}", page.body);
        }

        // Posting what the page does not offer: refused by the core, nothing changed.
        let token = csrf(&mut hannah, "/account").await;
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            ("/admin/users".into(), vec![("username", "mallory"), ("email", "m@example.com"), ("password", STRONG_PASSWORD)]),
            (format!("/admin/users/{bob}"), vec![("username", "bobby"), ("email", "bob@example.com")]),
            (format!("/admin/users/{bob}/disable"), vec![]),
            (format!("/admin/users/{bob}/unlock"), vec![]),
            (format!("/admin/users/{bob}/roles"), vec![("roles", "admin")]),
            (format!("/admin/users/{bob}/password-reset"), vec![("confirmed", "yes")]),
            (format!("/admin/users/{bob}/delete"), vec![("confirmed", "yes")]),
            (format!("/admin/users/{bob}/sessions/end-all"), vec![("confirmed", "yes")]),
            ("/admin/roles".into(), vec![("name", "mine"), ("permission", "users:write")]),
            ("/admin/roles/user".into(), vec![("permission", "users:write")]),
            (format!("/admin/clients/{}/secret", shop.id), vec![("confirmed", "yes")]),
            (format!("/admin/clients/{}/delete", shop.id), vec![("confirmed", "yes")]),
            ("/admin/keys/rotate".into(), vec![("confirmed", "yes")]),
            ("/admin/upstreams".into(), vec![("preset", "google"), ("id", "google"), ("client_id", "x"), ("client_secret", "y")]),
        ];
        for (path, fields) in &posts {
            let mut form = fields.clone();
            form.push(("csrf", &token));
            let page = hannah.post(path, &form).await;
            assert_eq!(page.status, 403, "{path}: {}", page.body);
        }
        let bob_after = app.state.admin.find_user("bob").await.unwrap();
        assert!(bob_after.is_active && !bob_after.password_reset_required && !bob_after.has_role("admin"));
        assert!(app.state.admin.find_user("mallory").await.is_err());
        assert!(app.state.admin.role(&operator(), "mine").await.is_err());
        assert!(app.state.admin.client(&operator(), &shop.id).await.unwrap().secret_matches(shop.secret.as_deref().unwrap()));
        assert!(app.state.auth.upstreams().await.unwrap().is_empty());

        // Without any administration permission: no console at all.
        let mut plain = sign_in(&app, "plain").await;
        assert!(!plain.get("/account").await.body.contains("href=\"/admin\""));
        let page = plain.get("/admin").await;
        assert_eq!(page.status, 403);
        assert!(page.body.contains("You need the admin role"));
    }

    async fn the_console_speaks_the_browsers_language(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        user_with(&app, "root", &["admin"]).await;
        let alice = user_with(&app, "alice", &[]).await;
        user_with(&app, "plain", &[]).await;
        let mut root = sign_in(&app, "root").await;

        // No Accept-Language: English.
        let page = root.get("/admin/users").await;
        assert!(page.body.contains("<html lang=\"en\">") && page.body.contains("<h1>Users</h1>"), "{}", page.body);
        assert!(page.body.contains("Create a user") && page.body.contains(">Search</button>"));

        // German: the list, a notice, a field error, a confirmation page.
        root.accept_language = Some("de-DE,de;q=0.9,en;q=0.5".into());
        let page = root.get("/admin/users").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<html lang=\"de\">") && page.body.contains("<h1>Benutzer</h1>"), "{}", page.body);
        for words in ["Benutzer anlegen", ">Suchen</button>", ">Rollen</a>", "Ihr Konto", "data-label=\"Benutzername\"", ">Passwort</label>"] {
            assert!(page.body.contains(words), "{words}: {}", page.body);
        }
        assert!(!page.body.contains("Create a user"));
        let token = csrf(&mut root, "/admin/users").await;
        let bad = root.post("/admin/users", &[("csrf", &token), ("username", "erin"), ("email", "erin@example.com"),
            ("roles", "user, Admin")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("„Admin“ ist kein gültiger Rollenname"), "{}", bad.body);
        let disabled = root.post(&format!("/admin/users/{alice}/disable"), &[("csrf", &token)]).await;
        let page = root.get(&to(&disabled)).await;
        assert!(page.body.contains("Das Konto ist deaktiviert") && page.body.contains(">deaktiviert</span>"), "{}", page.body);
        assert!(page.body.contains("<h1>Benutzer alice</h1>") && page.body.contains(">Konto aktivieren</button>"), "{}", page.body);
        let question = root.get(&format!("/admin/users/{alice}/delete")).await;
        assert_eq!(question.status, 200);
        assert!(question.body.contains("<html lang=\"de\">") && question.body.contains("<h1>Diesen Benutzer löschen?</h1>"), "{}", question.body);
        assert!(question.body.contains(">alice löschen</button>") && question.body.contains(">Abbrechen</a>"));
        assert!(question.body.contains("alice (alice@example.com) und alles, was das Konto hier hat"));
        let question = root.get("/admin/keys/rotate").await;
        assert!(question.body.contains("<h1>Signaturschlüssel erneuern?</h1>") && question.body.contains(">Schlüssel erneuern</button>"));

        // Spanish: the roles page with the permission catalog (a macro), a
        // confirmation page, the audit log's filters, the signing keys.
        root.accept_language = Some("es".into());
        let page = root.get("/admin/roles").await;
        assert!(page.body.contains("<html lang=\"es\">") && page.body.contains("<h1>Roles</h1>"), "{}", page.body);
        assert!(page.body.contains("<legend>Permisos de Gatehouse</legend>") && page.body.contains("Crear un rol"), "{}", page.body);
        assert!(page.body.contains("Listar y ver usuarios, sus sesiones y claves de API"), "{}", page.body);
        assert!(page.body.contains("value=\"users:read\""), "permission names stay");
        let question = root.get("/admin/roles/user/delete").await;
        assert!(question.body.contains("¿Eliminar este rol?") && question.body.contains(">Cancelar</a>"), "{}", question.body);
        let page = root.get("/admin/audit?kind=login_failed").await;
        assert!(page.body.contains("<h1>Registro de auditoría</h1>") && page.body.contains(">Todos los eventos</option>"), "{}", page.body);
        assert!(page.body.contains("<option value=\"login_failed\" selected>login_failed</option>"), "event codes stay");
        assert!(page.body.contains(">Desde (UTC)</label>") && page.body.contains(">éxito</option>"));
        let page = root.get("/admin/audit?user=nobody").await;
        assert!(page.body.contains("Ningún usuario tiene ese nombre de usuario, correo o ID."), "{}", page.body);
        let page = root.get("/admin/keys").await;
        assert!(page.body.contains("actual: firma") && page.body.contains("<h1>Claves de firma</h1>"), "{}", page.body);

        // A refusal is in the person's language too.
        let mut plain = sign_in(&app, "plain").await;
        plain.accept_language = Some("de".into());
        let page = plain.get("/admin/users").await;
        assert_eq!(page.status, 403);
        assert!(page.body.contains("<h1>Nicht erlaubt</h1>") && page.body.contains("Für diese Seiten brauchen Sie"), "{}", page.body);
    }
}
