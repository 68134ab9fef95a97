//! "Sign in with …" against a real upstream: a second Gatehouse instance on
//! another port (and another host name, so the browser keeps their cookies
//! apart) acts as the OpenID provider.

use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::NewUpstream;
use gatehouse_core::oauth::NewClient;

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

/// The downstream Gatehouse (`localhost`) and its upstream (`127.0.0.1`),
/// with Carol registered upstream and the upstream registered downstream as
/// `corp`.
pub(crate) async fn pair(backend: Backend, link_by_email: bool, carol_verified: bool) -> (TestApp, TestApp) {
    let down = spawn_provider_at(backend, "localhost", |_| {}).await;
    let down_issuer = down.state.config.tokens.issuer.clone();
    let up = spawn_provider_at(backend, "127.0.0.1", |_| {}).await;
    let carol = up.signed_up("carol").await;
    if carol_verified {
        let id = uuid::Uuid::parse_str(carol["user"]["id"].as_str().unwrap()).unwrap();
        let store = &up.state.store;
        store
            .set_email_verified(gatehouse_core::account::UserId(id), true, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
    }
    let client = register_client(
        &up,
        NewClient {
            name: "Downstream Gatehouse".into(),
            redirect_uris: vec![format!("{down_issuer}/login/upstream/corp/callback")],
            first_party: true,
            ..Default::default()
        },
    )
    .await;
    let up_issuer = up.state.config.tokens.issuer.clone();
    down.state
        .auth
        .add_upstream(
            NewUpstream {
                id: "corp".into(),
                preset: "oidc".into(),
                name: Some("Corp".into()),
                issuer: Some(up_issuer),
                client_id: client.id,
                client_secret: client.secret.unwrap().into(),
                scopes: vec![],
                link_by_email,
            },
            &gatehouse_core::rbac::Actor::command_line(),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    (down, up)
}

/// The link of the "Sign in with Corp" button (HTML-unescaped).
fn upstream_button(login_page: &Page) -> String {
    let body = login_page.body.replace("&#x2f;", "/").replace("&amp;", "&");
    let start = body.find("href=\"/login/upstream/corp").expect("a Sign in with Corp button") + 6;
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_owned()
}

/// From the downstream login page through the upstream's login and back.
pub(crate) async fn through_upstream(browser: &mut Browser, login_page: Page) -> Page {
    let href = upstream_button(&login_page);
    assert!(login_page.body.contains("Sign in with Corp"));
    let page = browser.get(&href).await;
    let page = browser.follow(page).await;
    assert!(page.body.contains("action=\"/login\""), "the upstream's login page: {}", page.body);
    let page = browser.sign_in(page, "carol", STRONG_PASSWORD).await;
    browser.follow(page).await
}

on_both_backends! {
    async fn sign_in_through_an_upstream_gatehouse_creates_then_reuses_an_account(backend) {
        let (down, _up) = pair(backend, false, true).await;
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        let done = through_upstream(&mut browser, login).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Your account"));
        let session = browser.cookies["__Host-gatehouse"].clone();
        let found = down.state.auth.browser_session(&session.clone().into()).await.unwrap().expect("a session");
        assert_eq!(found.user.username.as_str(), "carol");
        assert_eq!(found.user.email.as_str(), "carol@example.com");
        assert!(found.user.email_verified, "the upstream verified it");
        assert_eq!(found.session.amr.to_claim(), ["fed"]);
        let first_id = found.user.id;

        // Signed out and in again: the link finds the same account.
        let cookie = browser.cookies.remove("__Host-gatehouse").unwrap();
        assert!(!cookie.is_empty());
        let login = browser.get("/login").await;
        let page = browser.get(&upstream_button(&login)).await;
        // Still signed in upstream: straight back.
        let done = browser.follow(page).await;
        assert_eq!(done.status, 200, "{}", done.body);
        let again = down.state.auth.browser_session(&browser.cookies["__Host-gatehouse"].clone().into()).await.unwrap().unwrap();
        assert_eq!(again.user.id, first_id);
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        assert_eq!(users.len(), 1, "no second account");
    }

    async fn a_taken_username_is_passed_over_in_a_fresh_unit(backend) {
        // A local "carol" with another address: the upstream's Carol gets the
        // next free name. On PostgreSQL the refused insert ends its unit, so
        // the next name must be tried in a new one.
        let (down, _up) = pair(backend, false, true).await;
        assert_eq!(down.register("carol", "another.carol@example.com", STRONG_PASSWORD).await.status(), 201);
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        let done = through_upstream(&mut browser, login).await;
        assert_eq!(done.status, 200, "{}", done.body);
        let session = browser.cookies["__Host-gatehouse"].clone();
        let found = down.state.auth.browser_session(&session.into()).await.unwrap().expect("a session");
        assert_eq!(found.user.username.as_str(), "carol-2");
        assert_eq!(found.user.email.as_str(), "carol@example.com");
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        assert_eq!(users.len(), 2, "the local carol and the new carol-2, nothing else");
    }

    async fn an_oauth_flow_downstream_can_start_with_an_upstream_sign_in(backend) {
        let (down, _up) = pair(backend, false, true).await;
        let issuer = down.state.config.tokens.issuer.clone();
        let app = register_client(&down, web_app(true)).await;
        let mut browser = Browser::new(&issuer);
        let auth = format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid%20email&state=s1&code_challenge={}&code_challenge_method=S256",
            app.id,
            url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let page = browser.get(&auth).await;
        let login = browser.follow(page).await;
        let done = through_upstream(&mut browser, login).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let params = done.location_params();
        assert_eq!(params["state"], "s1");
        assert!(params.contains_key("code"), "back in the application with a code: {params:?}");
    }

    async fn an_existing_address_is_linked_only_when_allowed_and_verified(backend) {
        // Without link_by_email: refused, the local account untouched.
        let (down, _up) = pair(backend, false, true).await;
        down.signed_up("carol-local").await;
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        // carol-local registered as carol-local@example.com: give it Carol's address.
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        let email = gatehouse_core::account::Email::parse("carol@example.com").unwrap();
        down.state.store.set_email(users[0].id, &email, time::OffsetDateTime::now_utc()).await.unwrap();
        let login = browser.get("/login").await;
        let done = through_upstream(&mut browser, login).await;
        assert_eq!(done.status, 409, "{}", done.body);
        assert!(done.body.contains("exists already"));
        assert!(!browser.cookies.contains_key("__Host-gatehouse"));

        // With link_by_email but an address the upstream did not verify: refused too.
        let (down, _up) = pair(backend, true, false).await;
        down.signed_up("carol-local").await;
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        down.state.store.set_email(users[0].id, &email, time::OffsetDateTime::now_utc()).await.unwrap();
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        assert_eq!(through_upstream(&mut browser, login).await.status, 403);

        // With link_by_email, verified upstream but not here: whoever made the
        // local account may have planted the address (a pre-hijack). Refused.
        let (down, _up) = pair(backend, true, true).await;
        down.signed_up("carol-local").await;
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        // (set_email is what a confirmed email change does: it marks the address verified.)
        down.state.store.set_email(users[0].id, &email, time::OffsetDateTime::now_utc()).await.unwrap();
        down.state.store.set_email_verified(users[0].id, false, time::OffsetDateTime::now_utc()).await.unwrap();
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        assert_eq!(through_upstream(&mut browser, login).await.status, 409, "an address unproven here is not linked");
        assert!(down.state.store.upstream_links(users[0].id).await.unwrap().is_empty());

        // With link_by_email and an address verified on both sides: linked to the existing account.
        down.state.store.set_email_verified(users[0].id, true, time::OffsetDateTime::now_utc()).await.unwrap();
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        let done = through_upstream(&mut browser, login).await;
        assert_eq!(done.status, 200, "{}", done.body);
        let s = down.state.auth.browser_session(&browser.cookies["__Host-gatehouse"].clone().into()).await.unwrap().unwrap();
        assert_eq!(s.user.id, users[0].id);
        assert_eq!(s.user.username.as_str(), "carol-local");
        let links = down.state.store.upstream_links(users[0].id).await.unwrap();
        assert_eq!(links.len(), 1);
    }

    async fn a_second_factor_on_the_local_account_is_still_asked_for(backend) {
        let (down, _up) = pair(backend, true, true).await;
        let local = down.signed_up("carol-local").await;
        let (_, backup_codes) = crate::mfa::enroll(&down, local["access_token"].as_str().unwrap()).await;
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        let email = gatehouse_core::account::Email::parse("carol@example.com").unwrap();
        let now = time::OffsetDateTime::now_utc();
        down.state.store.set_email(users[0].id, &email, now).await.unwrap();
        down.state.store.set_email_verified(users[0].id, true, now).await.unwrap();
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        let login = browser.get("/login").await;
        let page = through_upstream(&mut browser, login).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("action=\"/mfa\""), "the second step: {}", page.body);
        assert!(!browser.cookies.contains_key("__Host-gatehouse"), "no session before the second factor");
        let form = |code: &str| {
            vec![
                ("mfa_token".to_owned(), page.field("mfa_token").unwrap()),
                ("csrf".to_owned(), page.field("csrf").unwrap()),
                ("code".to_owned(), code.to_owned()),
            ]
        };
        let wrong = form("000000");
        let pairs: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = browser.post("/mfa", &pairs).await;
        assert_eq!(res.status, 401);
        let right = form(&backup_codes[0]);
        let pairs: Vec<(&str, &str)> = right.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = browser.post("/mfa", &pairs).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert!(res.location.as_deref().is_some_and(|l| l.ends_with("/account")));
        let s = down.state.auth.browser_session(&browser.cookies["__Host-gatehouse"].clone().into()).await.unwrap().unwrap();
        assert_eq!(s.user.id, users[0].id);
        assert_eq!(s.session.amr.to_claim(), ["fed", "otp", "mfa"], "the first factor was the upstream sign-in");
    }

    async fn forged_or_stale_callbacks_are_refused(backend) {
        let (down, _up) = pair(backend, false, true).await;
        let issuer = down.state.config.tokens.issuer.clone();
        let mut browser = Browser::new(&issuer);
        // No pending sign-in in this browser (e.g. an attacker's link): refused.
        let page = browser.get("/login/upstream/corp/callback?code=abc&state=xyz").await;
        assert_eq!(page.status, 400);
        // A started sign-in answered with another state: refused.
        let start = browser.get("/login/upstream/corp").await;
        assert_eq!(start.status, 303);
        let page = browser.get("/login/upstream/corp/callback?code=abc&state=not-the-state").await;
        assert_eq!(page.status, 400);
        // The right state but an issuer mix-up (RFC 9207): refused.
        let start = browser.get("/login/upstream/corp").await;
        let state = start.location_params()["state"].clone();
        let page = browser.get(&format!("/login/upstream/corp/callback?code=abc&state={state}&iss=https://evil.example")).await;
        assert_eq!(page.status, 400);
        // The right state and a made-up code: the upstream refuses it.
        let start = browser.get("/login/upstream/corp").await;
        let params = start.location_params();
        assert!(params.contains_key("nonce") && params["code_challenge_method"] == "S256");
        let page = browser.get(&format!("/login/upstream/corp/callback?code=made-up&state={}", params["state"])).await;
        assert_eq!(page.status, 502);
        assert!(!browser.cookies.contains_key("__Host-gatehouse"));
        // An unknown provider.
        assert_eq!(browser.get("/login/upstream/nope").await.status, 404);
    }

    async fn an_address_the_upstream_did_not_verify_creates_nothing_and_reserves_nothing(backend) {
        // The attacker signs up upstream with Carol's address, which they cannot verify.
        let (down, _up) = pair(backend, false, false).await;
        let issuer = down.state.config.tokens.issuer.clone();
        let mut attacker = Browser::new(&issuer);
        let login = attacker.get("/login").await;
        let refused = through_upstream(&mut attacker, login).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(refused.body.contains("not verified at that provider"), "{}", refused.body);
        assert!(!attacker.cookies.contains_key("__Host-gatehouse"));
        let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
        assert!(users.is_empty(), "no account made or reserved");
        // Carol herself signs up with her address and a password: nothing stands in her way.
        let r = down.register("carol", "carol@example.com", STRONG_PASSWORD).await;
        assert_eq!(r.status(), 201);
        let refused = down.state.store.query(&gatehouse_core::audit::AuditQuery {
            kind: Some(gatehouse_core::audit::AuditKind::LoginFailed),
            limit: 10,
            ..Default::default()
        }).await.unwrap();
        assert!(refused.iter().any(|e| e.detail.as_deref().unwrap_or("").contains("not verified there")));
    }

    async fn a_link_from_an_unproven_address_is_dropped_when_the_owner_resets_the_password(backend) {
        // What an earlier version left behind: the attacker's upstream
        // identity (Carol's address, unverified upstream) made the local
        // account and its link. The migration marks such links.
        let (down, up) = pair(backend, false, false).await;
        let store = &down.state.store;
        let now = time::OffsetDateTime::now_utc();
        let planted = down.register("carol", "carol@example.com", STRONG_PASSWORD).await;
        assert_eq!(planted.status(), 201);
        let user = store.user_by_login("carol").await.unwrap().unwrap();
        let upstream_carol = up.state.store.user_by_login("carol").await.unwrap().unwrap();
        store
            .insert_upstream_link(&gatehouse_core::federation::UpstreamLink {
                provider_id: "corp".into(),
                subject: upstream_carol.id.to_string(),
                user_id: user.id,
                created_at: now,
                from_unverified_email: true,
            })
            .await
            .unwrap();
        // The attacker is in, through the link.
        let issuer = down.state.config.tokens.issuer.clone();
        let mut attacker = Browser::new(&issuer);
        let login = attacker.get("/login").await;
        let inside = through_upstream(&mut attacker, login).await;
        assert_eq!(inside.status, 200, "the planted link works before the owner acts: {}", inside.body);
        let attacker_session = attacker.cookies["__Host-gatehouse"].clone();

        // The real Carol resets the password through her mailbox.
        down.post("/api/auth/password/forgot").json(&serde_json::json!({"email": "carol@example.com"})).send().await.unwrap();
        let token = outbox_token(&down, "carol@example.com", "reset-password").await;
        let r = down.post("/api/auth/password/reset").json(&serde_json::json!({"token": token, "new_password": "carols own new passphrase 9"})).send().await.unwrap();
        assert_eq!(r.status(), 204);

        // The link is gone, the attacker's session with it, and the upstream identity opens nothing.
        assert!(store.upstream_links(user.id).await.unwrap().is_empty());
        assert!(down.state.auth.browser_session(&attacker_session.into()).await.unwrap().is_none());
        let mut attacker = Browser::new(&issuer);
        let login = attacker.get("/login").await;
        let refused = through_upstream(&mut attacker, login).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(!attacker.cookies.contains_key("__Host-gatehouse"));
        assert_eq!(down.login("carol", "carols own new passphrase 9").await.status(), 200);
    }

    async fn a_link_from_an_unproven_address_is_dropped_when_the_owner_verifies_it(backend) {
        let (down, up) = pair(backend, false, false).await;
        let store = &down.state.store;
        let planted = down.register("carol", "carol@example.com", STRONG_PASSWORD).await;
        assert_eq!(planted.status(), 201);
        let user = store.user_by_login("carol").await.unwrap().unwrap();
        let upstream_carol = up.state.store.user_by_login("carol").await.unwrap().unwrap();
        let link = gatehouse_core::federation::UpstreamLink {
            provider_id: "corp".into(),
            subject: upstream_carol.id.to_string(),
            user_id: user.id,
            created_at: time::OffsetDateTime::now_utc(),
            from_unverified_email: true,
        };
        store.insert_upstream_link(&link).await.unwrap();
        let session = down.login("carol", STRONG_PASSWORD).await.json::<serde_json::Value>().await.unwrap();
        // The address's owner follows the verification link.
        let token = outbox_token(&down, "carol@example.com", "verify-email").await;
        let r = down.post("/api/auth/email/verify").json(&serde_json::json!({"token": token})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert!(store.upstream_links(user.id).await.unwrap().is_empty());
        assert_eq!(down.me(session["access_token"].as_str().unwrap()).await.status(), 401, "sessions end with the link");
        let unlinked = store.query(&gatehouse_core::audit::AuditQuery {
            kind: Some(gatehouse_core::audit::AuditKind::UpstreamUnlinked),
            limit: 10,
            ..Default::default()
        }).await.unwrap();
        assert_eq!(unlinked.len(), 1);
    }
}

/// An upstream that answers its discovery document with a megabyte (a valid
/// document with padding, streamed in chunks): refused as it arrives, the
/// person sees the provider cannot be reached, the server holds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_answer_past_the_size_bound_is_refused_as_it_arrives() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let base = upstream.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let base = base.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = stream.read(&mut request).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&request[..n]).into_owned();
                let body = if request.starts_with("GET /jwks") {
                    r#"{"keys":[]}"#.to_owned()
                } else {
                    format!(
                        r#"{{"issuer":"{base}","authorization_endpoint":"{base}/authorize","token_endpoint":"{base}/token","jwks_uri":"{base}/jwks","pad":"{}"}}"#,
                        "a".repeat(1 << 20)
                    )
                };
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n").await;
                for chunk in body.as_bytes().chunks(16 * 1024) {
                    let head = format!("{:x}\r\n", chunk.len());
                    if stream.write_all(head.as_bytes()).await.is_err()
                        || stream.write_all(chunk).await.is_err()
                        || stream.write_all(b"\r\n").await.is_err()
                    {
                        return;
                    }
                }
                let _ = stream.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    let down = spawn_provider(Backend::Sqlite, |_| {}).await;
    down.state
        .auth
        .add_upstream(
            NewUpstream {
                id: "huge".into(),
                preset: "oidc".into(),
                name: Some("Huge".into()),
                issuer: Some(upstream),
                client_id: "c".into(),
                client_secret: "s".to_owned().into(),
                scopes: vec![],
                link_by_email: false,
            },
            &gatehouse_core::rbac::Actor::command_line(),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    let mut browser = Browser::new(&down.state.config.tokens.issuer);
    let page = browser.get("/login/upstream/huge").await;
    assert_eq!(page.status, 502, "{}", page.body);
    assert!(page.body.contains("cannot be reached"));
}
