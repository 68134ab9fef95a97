//! The `/admin` pages at the HTTP level: who may open them (a session with
//! the admin role, on every page and every form), what each form does
//! (disable, enable, unlock, second-factor reset, roles, clients) and the
//! audit log's filters.

use gatehouse_core::account::{Role, UserId};
use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo};
use gatehouse_core::flows::NewUserRequest;

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

/// Creates `name` (email `name@example.com`) with the admin role.
async fn make_admin(app: &TestApp, name: &str) -> UserId {
    let req = NewUserRequest {
        username: name.into(),
        email: format!("{name}@example.com"),
        password: Some(STRONG_PASSWORD.to_owned().into()),
        roles: vec![Role::admin(), Role::user()],
        email_verified: true,
        locale: None,
    };
    app.state.admin.create_user(req, &crate::helpers::operator(), &ClientInfo::default()).await.unwrap().id
}

/// A browser signed in as `login` through the login page.
async fn sign_in(app: &TestApp, login: &str) -> Browser {
    let issuer = app.state.config.tokens.issuer.clone();
    let mut browser = Browser::new(&issuer);
    let page = browser.get("/login").await;
    let done = browser.sign_in(page, login, STRONG_PASSWORD).await;
    assert!(done.status == 200 || done.status == 303, "{login} signs in: {} {}", done.status, done.body);
    assert!(browser.cookies.contains_key("__Host-gatehouse"), "a session cookie");
    browser
}

/// The CSRF token of the browser's session (what its pages' forms carry).
async fn csrf_of(app: &TestApp, browser: &Browser) -> String {
    let cookie = browser.cookies["__Host-gatehouse"].clone();
    let found = app.state.auth.browser_session(&cookie.into()).await.unwrap().expect("a live session");
    app.state.auth.csrf_token(&found.session)
}

async fn user(app: &TestApp, name: &str) -> gatehouse_core::account::User {
    app.state.admin.find_user(name).await.unwrap()
}

/// The audit events of `kind`, newest first.
async fn events_of(app: &TestApp, kind: AuditKind) -> Vec<AuditEvent> {
    let q = AuditQuery { kind: Some(kind), limit: 500, ..Default::default() };
    app.state.admin.audit_log(&crate::helpers::operator(), q).await.unwrap()
}

/// How many events of `kind` the audit log holds.
async fn count(app: &TestApp, kind: AuditKind) -> usize {
    events_of(app, kind).await.len()
}

/// Rows of the audit table on a page.
fn event_rows(page: &Page) -> usize {
    page.body.matches("<td class=\"event\" ").count()
}

/// A form post the way another site (or a tool) sends it: the browser's
/// cookies, and this `Origin`.
async fn post_from(app: &TestApp, browser: &Browser, path: &str, origin: &str, form: &[(&str, &str)]) -> u16 {
    let issuer = app.state.config.tokens.issuer.clone();
    let cookie = browser.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = http.post(format!("{issuer}{path}")).header("cookie", cookie).header("origin", origin).form(form);
    res.send().await.unwrap().status().as_u16()
}

/// A page's HTML with the escapes minijinja puts in attributes undone.
fn plain(page: &Page) -> String {
    page.body.replace("&#x2f;", "/").replace("&amp;", "&")
}

/// Text between `start` and the next `end` in a page.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} in the page")) + start.len();
    &body[from..from + body[from..].find(end).unwrap()]
}

on_both_backends! {
    async fn admin_pages_need_a_session_and_the_admin_role(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        app.signed_up("bob").await;
        make_admin(&app, "root").await;
        let bob = user(&app, "bob").await;
        let shop = register_client(&app, web_app(false)).await;
        app.login("bob", "wrong password 123").await;

        // No session: to the login page, and back afterwards.
        let issuer = app.state.config.tokens.issuer.clone();
        let mut anonymous = Browser::new(&issuer);
        let page = anonymous.get("/admin/users?q=bo").await;
        assert_eq!(page.status, 303);
        assert!(page.location.as_deref().unwrap().contains("/login?"), "{:?}", page.location);
        assert!(page.location.as_deref().unwrap().contains("return_to=%2Fadmin%2Fusers%3Fq%3Dbo"));
        let page = anonymous.post(&format!("/admin/users/{}/disable", bob.id), &[("csrf", "x")]).await;
        assert_eq!(page.status, 303);
        assert!(page.location.unwrap().contains("/login?"));

        // Signed in without the admin role: every page and every form is refused.
        let mut alice = sign_in(&app, "alice").await;
        for path in ["/admin".to_owned(), "/admin/users".into(), format!("/admin/users/{}", bob.id),
                     "/admin/clients".into(), "/admin/audit?kind=login_failed".into()] {
            let page = alice.get(&path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.body.contains("You need the admin role"), "{path}: {}", page.body);
        }
        let csrf = csrf_of(&app, &alice).await;
        let alice_id = user(&app, "alice").await.id;
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/admin/users/{}/disable", bob.id), vec![]),
            (format!("/admin/users/{}/enable", bob.id), vec![]),
            (format!("/admin/users/{}/unlock", bob.id), vec![]),
            (format!("/admin/users/{}/mfa-reset", bob.id), vec![("confirmed", "yes")]),
            (format!("/admin/users/{}/roles", bob.id), vec![("roles", "admin")]),
            (format!("/admin/users/{alice_id}/roles"), vec![("roles", "admin, user")]),
            ("/admin/clients".into(), vec![("name", "Evil"), ("redirect_uris", "https://evil.example/cb"), ("kind", "confidential")]),
            (format!("/admin/clients/{}/delete", shop.id), vec![]),
        ];
        for (path, fields) in &posts {
            let mut form = fields.clone();
            form.push(("csrf", &csrf));
            let page = alice.post(path, &form).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.body.contains("You need the admin role"), "{path}: {}", page.body);
        }
        // Nothing changed.
        let bob_after = user(&app, "bob").await;
        assert!(bob_after.is_active);
        assert_eq!(bob_after.failed_logins, 1, "not unlocked");
        assert!(!bob_after.has_role("admin") && !user(&app, "alice").await.has_role("admin"));
        let clients = app.state.admin.list_clients(&crate::helpers::operator()).await.unwrap();
        assert_eq!(clients.len(), 1);
        assert_eq!(clients[0].id, shop.id);
        for kind in [AuditKind::AccountDisabled, AuditKind::AccountEnabled, AuditKind::AccountUnlocked,
                     AuditKind::RoleChanged, AuditKind::ClientDeleted, AuditKind::SecondFactorsReset] {
            assert_eq!(count(&app, kind).await, 0, "{kind:?}");
        }
        assert_eq!(count(&app, AuditKind::ClientCreated).await, 1, "only the test's own client");

        // The same browser session becomes an admin's once the role is given.
        app.state.admin.set_roles(&crate::helpers::operator(), alice_id, vec![Role::admin()], &ClientInfo::default()).await.unwrap();
        assert_eq!(alice.get("/admin/users").await.status, 200);
    }

    async fn an_admin_finds_disables_enables_and_unlocks_users(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        app.signed_up("bob").await;
        let root_id = make_admin(&app, "root").await;
        let alice = user(&app, "alice").await;
        let mut root = sign_in(&app, "root").await;

        let page = root.get("/admin").await;
        assert_eq!(page.status, 303);
        assert!(page.location.unwrap().ends_with("/admin/users"));
        let page = root.get("/admin/users").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("class=\"wide\"") && page.body.contains("<nav class=\"tabs\""));
        assert!(page.body.contains("<a href=\"/admin/users\" aria-current=\"page\">Users</a>"));
        assert!(page.body.contains("href=\"/account\""));
        for name in ["alice@example.com", "bob@example.com", "root@example.com"] {
            assert!(page.body.contains(name), "{name}");
        }
        let page = root.get("/admin/users?q=ALI").await;
        assert!(page.body.contains(&format!("<a href=\"/admin/users/{}\">alice</a>", alice.id)), "{}", page.body);
        assert!(!page.body.contains("bob@example.com"));
        let page = root.get("/admin/users?q=nobody-like-this").await;
        assert!(page.body.contains("No user matches"));

        // Alice has a browser session; disabling her ends it and her sign-ins.
        let mut alice_browser = sign_in(&app, "alice").await;
        let page = root.get(&format!("/admin/users/{}", alice.id)).await;
        assert_eq!(page.status, 200);
        let csrf = page.field("csrf").expect("csrf field");
        assert_eq!(csrf, csrf_of(&app, &root).await);
        let user_path = format!("/admin/users/{}", alice.id);
        let page = root.post(&format!("{user_path}/disable"), &[("csrf", &csrf)]).await;
        assert_eq!(page.status, 303);
        assert!(page.location.as_deref().unwrap().ends_with(&format!("{user_path}?notice=disabled")));
        let page = root.get(&page.location.unwrap()).await;
        assert!(page.body.contains("The account is disabled") && page.body.contains(">disabled</span>"));
        assert!(!user(&app, "alice").await.is_active);
        assert_problem(app.login("alice", STRONG_PASSWORD).await, 403, "account_disabled").await;
        assert_eq!(alice_browser.get("/account").await.status, 303, "her browser session ended");
        let events = events_of(&app, AuditKind::AccountDisabled).await;
        assert_eq!((events.len(), events[0].actor, events[0].subject), (1, Some(root_id), Some(alice.id)));

        let page = root.post(&format!("{user_path}/enable"), &[("csrf", &csrf)]).await;
        assert!(page.location.unwrap().ends_with("?notice=enabled"));
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);

        // Locked after five wrong passwords; unlocking lets the right one in at once.
        let bob = user(&app, "bob").await;
        for _ in 0..5 {
            app.login("bob", "wrong password 123").await;
        }
        assert_problem(app.login("bob", STRONG_PASSWORD).await, 429, "rate_limited").await;
        let page = root.get(&format!("/admin/users/{}", bob.id)).await;
        assert!(page.body.contains("locked until"), "{}", page.body);
        let page = root.post(&format!("/admin/users/{}/unlock", bob.id), &[("csrf", &csrf)]).await;
        assert!(page.location.unwrap().ends_with("?notice=unlocked"));
        let bob_after = user(&app, "bob").await;
        assert!(bob_after.failed_logins == 0 && bob_after.locked_until.is_none());
        assert_eq!(app.login("bob", STRONG_PASSWORD).await.status(), 200);
        assert_eq!(count(&app, AuditKind::AccountUnlocked).await, 1);

        // Resetting second factors asks for the box to be ticked first.
        let page = root.post(&format!("/admin/users/{}/mfa-reset", bob.id), &[("csrf", &csrf)]).await;
        assert!(page.location.as_deref().unwrap().ends_with("?notice=mfa_unconfirmed"));
        let page = root.get(&page.location.unwrap()).await;
        assert!(page.body.contains("Tick the box"), "{}", page.body);
        assert_eq!(count(&app, AuditKind::SecondFactorsReset).await, 0);
        let page = root.post(&format!("/admin/users/{}/mfa-reset", bob.id), &[("csrf", &csrf), ("confirmed", "yes")]).await;
        assert!(page.location.unwrap().ends_with("?notice=mfa_reset"));
        assert_eq!(count(&app, AuditKind::SecondFactorsReset).await, 1);

        // An admin cannot disable their own account.
        let page = root.post(&format!("/admin/users/{root_id}/disable"), &[("csrf", &csrf)]).await;
        assert_eq!(page.status, 303);
        let page = root.get(&page.location.unwrap()).await;
        assert!(page.body.contains("You cannot disable your own account"));
        assert!(user(&app, "root").await.is_active);
        assert!(!page.body.contains("/disable\""), "no disable button on one's own page");

        // Unknown users.
        let nobody = uuid::Uuid::now_v7();
        assert_eq!(root.get(&format!("/admin/users/{nobody}")).await.status, 404);
        assert_eq!(root.get("/admin/users/alice").await.status, 404, "ids only in the path");
        assert_eq!(root.post(&format!("/admin/users/{nobody}/disable"), &[("csrf", &csrf)]).await.status, 404);
        assert_eq!(count(&app, AuditKind::AccountDisabled).await, 1);

        // Fifty users a page.
        for i in 0..50 {
            let req = NewUserRequest {
                username: format!("user{i:02}"), email: format!("user{i:02}@example.com"),
                password: Some(STRONG_PASSWORD.to_owned().into()), roles: vec![], email_verified: false,
                locale: None,
            };
            app.state.admin.create_user(req, &crate::helpers::operator(), &ClientInfo::default()).await.unwrap();
        }
        let first = root.get("/admin/users").await;
        assert_eq!(first.body.matches("<a href=\"/admin/users/").count(), 50);
        assert!(plain(&first).contains("href=\"/admin/users?page=2\"") && !first.body.contains("rel=\"prev\""));
        let second = root.get("/admin/users?page=2").await;
        assert_eq!(second.body.matches("<a href=\"/admin/users/").count(), 3);
        assert!(plain(&second).contains("href=\"/admin/users?page=1\"") && !second.body.contains("rel=\"next\""));
        let found = root.get("/admin/users?q=example&page=1").await;
        assert_eq!(found.body.matches("<a href=\"/admin/users/").count(), 50);
        assert!(plain(&found).contains("href=\"/admin/users?q=example&page=2\""), "paging keeps the search");
    }

    async fn an_admin_sets_roles(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        let root_id = make_admin(&app, "root").await;
        let alice = user(&app, "alice").await;
        let mut root = sign_in(&app, "root").await;
        let csrf = csrf_of(&app, &root).await;
        let path = format!("/admin/users/{}/roles", alice.id);
        // A role that does not exist: the form again with the reason.
        let page = root.post(&path, &[("csrf", &csrf), ("roles", "support:read, user")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("there is no role") && page.body.contains("support:read"), "{}", page.body);
        let role = gatehouse_core::flows::NewRole {
            name: "support:read".into(),
            description: String::new(),
            permissions: vec!["users:read".into()],
        };
        app.state.admin.create_role(&crate::helpers::operator(), role, &ClientInfo::default()).await.unwrap();

        let page = root.post(&path, &[("csrf", &csrf), ("roles", "support:read, user  user")]).await;
        assert_eq!(page.status, 303);
        assert!(page.location.as_deref().unwrap().ends_with("?notice=roles"));
        let page = root.get(&page.location.unwrap()).await;
        assert!(page.body.contains("Roles saved.") && page.body.contains("value=\"support:read, user\""), "{}", page.body);
        let roles: Vec<String> = user(&app, "alice").await.roles.iter().map(|r| r.as_str().to_owned()).collect();
        assert_eq!(roles, ["support:read", "user"]);
        let events = events_of(&app, AuditKind::RoleChanged).await;
        assert_eq!((events.len(), events[0].actor), (1, Some(root_id)));
        assert!(page.body.contains("role_changed"), "the user's recent events");

        // A bad name: the form again, the error under the field, nothing saved.
        let page = root.post(&path, &[("csrf", &csrf), ("roles", "user, Admin!")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("id=\"roles-error\"") && page.body.contains("is not a valid role name"), "{}", page.body);
        assert!(page.body.contains("aria-invalid=\"true\"") && page.body.contains("value=\"user, Admin!\""));
        assert_eq!(user(&app, "alice").await.roles.len(), 2);

        // Empty: no roles at all.
        let page = root.post(&path, &[("csrf", &csrf), ("roles", " ")]).await;
        assert_eq!(page.status, 303);
        assert!(user(&app, "alice").await.roles.is_empty());

        // An admin cannot take the admin role from themselves.
        let page = root.post(&format!("/admin/users/{root_id}/roles"), &[("csrf", &csrf), ("roles", "user")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("You cannot remove your own admin role"));
        assert!(user(&app, "root").await.has_role("admin"));

        // A notice comes from a fixed list, never from the query text.
        let page = root.get(&format!("/admin/users/{}?notice=%3Cscript%3Ealert(1)%3C/script%3E", alice.id)).await;
        assert_eq!(page.status, 200);
        // (The address itself, escaped, is only the language picker's way back.)
        assert!(!page.body.contains("<script>alert(1)") && !page.body.contains("class=\"notice"));
    }

    async fn an_admin_registers_and_deletes_clients(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let root_id = make_admin(&app, "root").await;
        let mut root = sign_in(&app, "root").await;
        let page = root.get("/admin/clients").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("No clients are registered") && page.body.contains("aria-current=\"page\">OAuth clients"));
        let csrf = page.field("csrf").unwrap();

        let page = root.post("/admin/clients", &[("csrf", &csrf), ("name", "Shop"),
            ("redirect_uris", "https://shop.example.com/cb\r\nhttp://localhost:3000/cb\r\n"), ("kind", "confidential"),
            ("scopes", "openid email"), ("first_party", "1")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Copy the secret now; it is not shown again"));
        let id = between(&page.body, "<code class=\"client-id\">", "</code>").to_owned();
        let secret = between(&page.body, "<p class=\"secret\" id=\"client-secret\">", "</p>").to_owned();
        let client = app.state.admin.client(&crate::helpers::operator(), &id).await.unwrap();
        assert!(client.secret_matches(&secret) && client.first_party);
        assert_eq!(client.redirect_uris, ["https://shop.example.com/cb", "http://localhost:3000/cb"]);
        assert_eq!(client.scopes, ["openid", "email"]);
        let events = events_of(&app, AuditKind::ClientCreated).await;
        assert_eq!(events[0].actor, Some(root_id));
        let list = root.get("/admin/clients").await;
        assert!(list.body.contains(&id) && list.body.contains("Shop"));
        assert!(!list.body.contains(&secret), "the secret is shown once");

        // Wrong fields: errors under them, the values kept, nothing registered.
        let page = root.post("/admin/clients", &[("csrf", &csrf), ("name", " "),
            ("redirect_uris", "http://evil.example.com/cb"), ("kind", "confidential"), ("scopes", "openid Bad")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("id=\"name-error\""));
        assert!(between(&page.body, "id=\"redirect_uris-error\"", "</p>").contains("https"), "{}", page.body);
        assert!(page.body.contains("id=\"scopes-error\"") && page.body.contains("http:&#x2f;&#x2f;evil.example.com&#x2f;cb"));
        let page = root.post("/admin/clients", &[("csrf", &csrf), ("name", "Nothing"), ("redirect_uris", ""), ("kind", "sideways")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("Add at least one redirect URI") && page.body.contains("id=\"kind-error\""));
        assert_eq!(app.state.admin.list_clients(&crate::helpers::operator()).await.unwrap().len(), 1);

        // A public client has no secret.
        let page = root.post("/admin/clients", &[("csrf", &csrf), ("name", "SPA"),
            ("redirect_uris", "http://localhost:5173/cb"), ("kind", "public"), ("scopes", "")]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("A public client has no secret") && !page.body.contains("client-secret"));
        let spa = between(&page.body, "<code class=\"client-id\">", "</code>").to_owned();
        assert_eq!(app.state.admin.client(&crate::helpers::operator(), &spa).await.unwrap().scopes, ["openid", "profile", "email"]);

        // Delete, then delete again.
        let path = format!("/admin/clients/{id}/delete");
        let page = root.post(&path, &[("csrf", &csrf), ("confirmed", "yes")]).await;
        assert_eq!(page.status, 303);
        assert!(page.location.as_deref().unwrap().ends_with("/admin/clients?notice=deleted"));
        assert!(app.state.admin.client(&crate::helpers::operator(), &id).await.is_err());
        let list = root.get(&page.location.unwrap()).await;
        assert!(list.body.contains("The client is deleted") && !list.body.contains(&id) && list.body.contains(&spa));
        let page = root.post(&path, &[("csrf", &csrf), ("confirmed", "yes")]).await;
        assert!(page.location.unwrap().ends_with("?notice=missing"));
        let events = events_of(&app, AuditKind::ClientDeleted).await;
        assert_eq!((events.len(), events[0].actor), (1, Some(root_id)));
    }

    async fn the_audit_log_filters_by_user_kind_outcome_and_time(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        app.signed_up("bob").await;
        let alice = user(&app, "alice").await;
        let bob = user(&app, "bob").await;
        app.login("alice", "wrong password 123").await;
        app.login("bob", "wrong password 123").await;
        app.login("bob", "wrong password 456").await;
        make_admin(&app, "root").await;
        let mut root = sign_in(&app, "root").await;

        let page = root.get("/admin/audit").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("aria-current=\"page\">Audit log") && page.body.contains("<option value=\"upstream_linked\">"));
        let all = event_rows(&page);
        assert!(all >= 9, "{all}");

        let page = root.get("/admin/audit?kind=login_failed").await;
        assert_eq!(event_rows(&page), 3);
        assert!(page.body.contains("<option value=\"login_failed\" selected>"));
        let page = root.get("/admin/audit?user=bob&kind=login_failed").await;
        assert_eq!(event_rows(&page), 2);
        assert!(page.body.contains(&format!("href=\"/admin/users/{}\">bob</a>", bob.id)));
        assert!(!page.body.contains(&alice.id.to_string()));
        let page = root.get("/admin/audit?user=alice%40example.com").await;
        assert!(event_rows(&page) >= 3, "register, login, failed login");
        assert!(!page.body.contains(&bob.id.to_string()), "only Alice's events");
        assert!(page.body.contains("gatehouse-tests&#x2f;1") || page.body.contains("gatehouse-tests/1"), "the user agent, in full in the tooltip");
        assert!(page.body.contains(">gatehouse-tests</span>"), "the device, named");
        let page = root.get(&format!("/admin/audit?user={}&outcome=failure", alice.id)).await;
        assert_eq!(event_rows(&page), 1);
        let page = root.get("/admin/audit?to=2000-01-01T00:00").await;
        assert_eq!((page.status, event_rows(&page)), (200, 0));
        assert!(page.body.contains("No events match"));
        let page = root.get("/admin/audit?from=2000-01-01T00:00&to=2999-01-01T00:00:00").await;
        assert_eq!(event_rows(&page), all, "everything so far (reading changes nothing)");

        // Filters that cannot be used: an error under each, no table.
        let page = root.get("/admin/audit?user=nobody&kind=bogus&outcome=maybe&from=yesterday").await;
        assert_eq!(page.status, 400);
        for id in ["user-error", "kind-error", "outcome-error", "from-error"] {
            assert!(page.body.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(page.body.contains("No user has this username, email or id") && page.body.contains("value=\"nobody\""));
        assert_eq!(event_rows(&page), 0);
        let page = root.get("/admin/audit?from=2026-01-02T00:00&to=2026-01-01T00:00").await;
        assert!(page.status == 400 && page.body.contains("id=\"to-error\""));

        // A hundred events a page, filters kept in the links.
        for i in 0..100 {
            app.login(&format!("ghost{i}"), "wrong password 123").await;
        }
        let first = root.get("/admin/audit?kind=login_failed").await;
        assert_eq!(event_rows(&first), 100);
        assert!(plain(&first).contains("href=\"/admin/audit?kind=login_failed&page=2\" rel=\"next\""), "{}", first.body);
        let second = root.get("/admin/audit?kind=login_failed&page=2").await;
        assert_eq!(event_rows(&second), 3);
        assert!(second.body.contains("rel=\"prev\"") && !second.body.contains("rel=\"next\""));
    }

    async fn admin_forms_refuse_forged_and_cross_site_posts(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        app.signed_up("alice").await;
        make_admin(&app, "root").await;
        let alice = user(&app, "alice").await;
        let shop = register_client(&app, web_app(false)).await;
        let mut root = sign_in(&app, "root").await;
        let csrf = csrf_of(&app, &root).await;
        let own = app.state.config.tokens.issuer.clone();
        let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/admin/users/{}/disable", alice.id), vec![]),
            (format!("/admin/users/{}/roles", alice.id), vec![("roles", "admin")]),
            (format!("/admin/users/{}/unlock", alice.id), vec![]),
            (format!("/admin/users/{}/mfa-reset", alice.id), vec![("confirmed", "yes")]),
            ("/admin/clients".into(), vec![("name", "Evil"), ("redirect_uris", "https://evil.example/cb"), ("kind", "public")]),
            (format!("/admin/clients/{}/delete", shop.id), vec![("confirmed", "yes")]),
            // The console's other forms.
            ("/admin/users".into(), vec![("username", "mallory"), ("email", "m@example.com"), ("password", STRONG_PASSWORD)]),
            (format!("/admin/users/{}", alice.id), vec![("username", "alicia"), ("email", "alice@example.com")]),
            (format!("/admin/users/{}/password-reset", alice.id), vec![("confirmed", "yes")]),
            (format!("/admin/users/{}/delete", alice.id), vec![("confirmed", "yes")]),
            (format!("/admin/users/{}/sessions/end-all", alice.id), vec![("confirmed", "yes")]),
            (format!("/admin/users/{}/sessions/end", alice.id), vec![("session", "00000000-0000-0000-0000-000000000000")]),
            (format!("/admin/users/{}/api-keys/revoke", alice.id), vec![("key", "00000000-0000-0000-0000-000000000000")]),
            ("/admin/roles".into(), vec![("name", "evil"), ("permission", "users:write")]),
            ("/admin/roles/user".into(), vec![("permission", "users:write")]),
            ("/admin/roles/user/delete".into(), vec![("confirmed", "yes")]),
            (format!("/admin/clients/{}", shop.id), vec![("name", "Evil"), ("redirect_uris", "https://evil.example/cb")]),
            (format!("/admin/clients/{}/secret", shop.id), vec![("confirmed", "yes")]),
            ("/admin/keys/rotate".into(), vec![("confirmed", "yes")]),
            ("/admin/upstreams".into(), vec![("preset", "google"), ("id", "evil"), ("client_id", "x"), ("client_secret", "y")]),
            ("/admin/upstreams/evil/remove".into(), vec![("confirmed", "yes")]),
        ];
        let keys_before = app.state.admin.all_keys(&crate::helpers::operator()).await.unwrap().len();
        app.login("alice", "wrong password 123").await;
        for (path, fields) in &forms {
            // No token, a wrong token, another site's Origin with the right token.
            let page = root.post(path, fields).await;
            assert_eq!(page.status, 403, "{path} without a token");
            assert!(page.body.contains("This form has expired"), "{path}");
            let mut wrong = fields.clone();
            wrong.push(("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
            assert_eq!(root.post(path, &wrong).await.status, 403, "{path} with a wrong token");
            let mut right = fields.clone();
            right.push(("csrf", &csrf));
            assert_eq!(post_from(&app, &root, path, "https://evil.example", &right).await, 403, "{path} cross-site");
            assert_eq!(post_from(&app, &root, path, "null", &right).await, 403, "{path} from an opaque origin");
        }
        let alice_after = user(&app, "alice").await;
        assert!(alice_after.is_active && !alice_after.has_role("admin") && alice_after.failed_logins == 1);
        assert!(alice_after.username.as_str() == "alice" && !alice_after.password_reset_required);
        assert!(app.state.admin.find_user("mallory").await.is_err());
        let operator = crate::helpers::operator();
        assert!(app.state.admin.role(&operator, "evil").await.is_err());
        assert_eq!(app.state.admin.all_keys(&operator).await.unwrap().len(), keys_before, "no rotation");
        assert!(app.state.auth.upstreams().await.unwrap().is_empty());
        let shop_after = app.state.admin.client(&operator, &shop.id).await.unwrap();
        assert!(shop_after.name != "Evil" && shop_after.secret_matches(shop.secret.as_deref().unwrap()));
        let clients = app.state.admin.list_clients(&crate::helpers::operator()).await.unwrap();
        assert_eq!((clients.len(), clients[0].id.as_str()), (1, shop.id.as_str()));
        for kind in [AuditKind::AccountDisabled, AuditKind::RoleChanged, AuditKind::AccountUnlocked, AuditKind::ClientDeleted,
                     AuditKind::SecondFactorsReset] {
            assert_eq!(count(&app, kind).await, 0, "{kind:?}");
        }
        // Our own Origin with the right token goes through.
        let path = format!("/admin/users/{}/unlock", alice.id);
        assert_eq!(post_from(&app, &root, &path, &own, &[("csrf", &csrf)]).await, 303);
        assert_eq!(user(&app, "alice").await.failed_logins, 0);
    }

    async fn admins_who_must_enrol_a_second_factor_cannot_use_the_pages_yet(backend) {
        let app = spawn_provider(backend, |c| c.mfa_required_roles = Some(vec!["admin".into()])).await;
        make_admin(&app, "root").await;
        let mut root = sign_in(&app, "root").await;
        let page = root.get("/admin/users").await;
        assert_eq!(page.status, 403);
        assert!(page.body.contains("two-step verification"), "{}", page.body);
        let csrf = csrf_of(&app, &root).await;
        let form = [("csrf", csrf.as_str()), ("name", "Evil"), ("redirect_uris", "https://evil.example/cb"), ("kind", "confidential")];
        let page = root.post("/admin/clients", &form).await;
        assert_eq!(page.status, 403);
        assert!(app.state.admin.list_clients(&crate::helpers::operator()).await.unwrap().is_empty());
    }
}
