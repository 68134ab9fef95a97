//! The `/account` pages at the HTTP level: a person signed in through
//! `/login` changes their password, sets up an authenticator app, signs out
//! sessions and apps, and signs out — every form refused without the
//! session's CSRF token or from another site, with nothing changed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::browser::*;
use crate::helpers::*;
use crate::on_both_backends;

const COOKIE: &str = "__Host-gatehouse";
const NEW_PASSWORD: &str = "purple elephant juggling 77 teacups";

fn issuer(app: &TestApp) -> String {
    app.state.config.tokens.issuer.clone()
}

/// Alice, registered (with an API session: the returned tokens) and signed in
/// to the pages through `/login`, coming from `/account`.
async fn signed_in(app: &TestApp) -> (Browser, Value) {
    let tokens = app.signed_up("alice").await;
    let mut browser = Browser::new(&issuer(app));
    let page = browser.get("/account").await;
    assert_eq!(page.status, 303, "no session: to the login page");
    let location = page.location.clone().unwrap();
    assert!(location.ends_with("/login?return_to=%2Faccount"), "{location}");
    let login = browser.get(&location).await;
    let done = browser.sign_in(login, "alice", STRONG_PASSWORD).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done.location.unwrap().ends_with("/account"));
    (browser, tokens)
}

/// The account page, which must open.
async fn account(browser: &mut Browser) -> Page {
    let page = browser.get("/account").await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

/// Whether the cookie value opens `/account` (a fresh browser holding only it).
async fn opens_account(app: &TestApp, cookie: &str) -> bool {
    let mut other = Browser::new(&issuer(app));
    other.cookies.insert(COOKIE.into(), cookie.into());
    other.get("/account").await.status == 200
}

/// A form post with this cookie and an `Origin` header.
async fn post_from(app: &TestApp, origin: &str, cookie: &str, path: &str, form: &[(&str, &str)]) -> u16 {
    app.client
        .post(format!("{}{path}", issuer(app)))
        .header("origin", origin)
        .header("cookie", format!("{COOKIE}={cookie}"))
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A post without the CSRF field, and one with a wrong token: both refused.
async fn assert_forgeries_refused(browser: &mut Browser, path: &str, form: &[(&str, &str)]) {
    let refused = browser.post(path, form).await;
    assert_eq!(refused.status, 403, "{path} without a token: {}", refused.body);
    let mut forged = form.to_vec();
    forged.push(("csrf", "forged"));
    let refused = browser.post(path, &forged).await;
    assert_eq!(refused.status, 403, "{path} with a wrong token");
}

fn unix_now(app: &TestApp) -> u64 {
    use gatehouse_core::clock::Clock as _;
    app.clock.now().unix_timestamp() as u64
}

/// Moves the server's clock to the start of a 30 s step, so that the
/// codes of the previous, current and next step stay what they are for the
/// rest of the test (it takes far less than the step's 29 s left).
async fn fresh_step(app: &TestApp) {
    let into = unix_now(app) % 30;
    app.advance(std::time::Duration::from_secs(30 - into + 1));
}

fn totp_code(app: &TestApp, secret: &[u8], offset: i64) -> String {
    let t = (unix_now(app) as i64 + offset * 30) as u64;
    totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, secret, t)
}

/// The text between `start` and the next `end` in `body`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body.find(start).unwrap_or_else(|| panic!("no {start} in {body}")) + start.len();
    &body[i..i + body[i..].find(end).unwrap()]
}

/// Sets up the authenticator app through the pages; returns its secret and
/// the page showing the backup codes.
async fn enrol_totp(app: &TestApp, browser: &mut Browser) -> (Vec<u8>, Page) {
    let csrf = account(browser).await.field("csrf").unwrap();
    let setup = browser.post("/account/totp/setup", &[("csrf", &csrf)]).await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    assert!(setup.body.contains("<img class=\"qr\" src=\"data:image&#x2f;png;base64,"), "{}", setup.body);
    let secret =
        data_encoding::BASE32_NOPAD.decode(between(&setup.body, "<p class=\"secret\">", "</p>").as_bytes()).unwrap();
    let codes = browser.post("/account/totp/enable", &[("csrf", &csrf), ("code", &totp_code(app, &secret, -1))]).await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    (secret, codes)
}

on_both_backends! {
    async fn the_page_needs_a_session_and_shows_the_profile(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, _) = signed_in(&app).await;
        let page = account(&mut browser).await;
        assert!(page.body.contains("<title>Your account"), "{}", page.body);
        assert!(page.body.contains(" class=\"wide\""));
        assert!(page.body.contains("alice") && page.body.contains("alice@example.com"));
        assert!(page.body.contains("not verified") && page.body.contains("Send the link again"));
        assert!(page.body.contains("action=\"/logout\""));
        assert!(!page.body.contains("Administration"), "not an admin");
        assert!(page.body.contains("this browser"));
        // Devices by name, the user agent in full in the tooltip.
        assert!(page.body.contains("title=\"gatehouse-tests-browser&#x2f;1\">gatehouse-tests-browser</span>"), "{}", page.body);
        assert!(page.body.contains("data-passkey-start=\"/account/passkeys/register\"") && page.body.contains("/assets/passkey.js"));
        // Notices are chosen by the server; anything else in the query is ignored.
        let page = browser.get("/account?done=%3Cb%3Ehello%3C%2Fb%3E").await;
        assert!(!page.body.contains("notice success"), "{}", page.body);
        // The query is only in the language picker's way back to this page.
        assert_eq!(page.body.matches("hello").count(), 1, "{}", page.body);
        assert_eq!(page.field("back").as_deref(), Some("/account?done=%3Cb%3Ehello%3C%2Fb%3E"));
        let page = browser.get("/account?done=password").await;
        assert!(page.body.contains("Your password was changed"));
        // The verification link again, through the page.
        let csrf = page.field("csrf").unwrap();
        assert_forgeries_refused(&mut browser, "/account/email/resend", &[]).await;
        let sent = browser.post("/account/email/resend", &[("csrf", &csrf)]).await;
        assert_eq!(sent.status, 303);
        assert!(sent.location.unwrap().ends_with("/account?done=verification-sent"));
    }

    async fn changing_the_password_renews_the_session_and_ends_the_others(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, tokens) = signed_in(&app).await;
        let old_cookie = browser.cookies[COOKIE].clone();
        let page = account(&mut browser).await;
        let csrf = page.field("csrf").unwrap();
        let change = [("current_password", STRONG_PASSWORD), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)];
        let form = [change[0], change[1], change[2], ("csrf", csrf.as_str())];

        // Forgeries and a cross-site post change nothing.
        assert_forgeries_refused(&mut browser, "/account/password", &change).await;
        assert_eq!(post_from(&app, "https://evil.example", &old_cookie, "/account/password", &form).await, 403);
        // Wrong current password, mismatched confirmation: the page again, with the error.
        let wrong = [("current_password", "not my password at all"), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD), ("csrf", csrf.as_str())];
        let page = browser.post("/account/password", &wrong).await;
        assert_eq!(page.status, 401);
        assert!(page.body.contains("id=\"current_password-error\"") && page.body.contains("That password is not right."), "{}", page.body);
        let mismatch = [("current_password", STRONG_PASSWORD), ("new_password", NEW_PASSWORD), ("confirm_password", "something else entirely 9"), ("csrf", csrf.as_str())];
        let page = browser.post("/account/password", &mismatch).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("The two new passwords are not the same."));
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200, "the password did not change");
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 200);

        let done = browser.post("/account/password", &form).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.unwrap().ends_with("/account?done=password"));
        let new_cookie = browser.cookies[COOKIE].clone();
        assert_ne!(new_cookie, old_cookie, "a new session id");
        assert!(!opens_account(&app, &old_cookie).await, "the old session ended");
        assert!(opens_account(&app, &new_cookie).await);
        let page = browser.get("/account?done=password").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Your password was changed"));
        // Every other session ended; the new password signs in.
        assert_eq!(app.refresh(tokens["refresh_token"].as_str().unwrap()).await.status(), 401);
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 401);
        assert_eq!(app.login("alice", NEW_PASSWORD).await.status(), 200);
    }

    async fn an_authenticator_app_is_set_up_through_the_pages(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        fresh_step(&app).await;
        let (mut browser, _) = signed_in(&app).await;
        let old_cookie = browser.cookies[COOKIE].clone();
        let page = account(&mut browser).await;
        assert!(page.body.contains("Set up an authenticator app"));
        assert_forgeries_refused(&mut browser, "/account/totp/setup", &[]).await;
        let csrf = page.field("csrf").unwrap();
        let setup = browser.post("/account/totp/setup", &[("csrf", &csrf)]).await;
        assert_eq!(setup.status, 200);
        assert!(setup.body.contains("alt=\"QR code for your authenticator app\""));
        let shown = between(&setup.body, "<p class=\"secret\">", "</p>").to_owned();
        let secret = data_encoding::BASE32_NOPAD.decode(shown.as_bytes()).unwrap();

        // A wrong code: the same setup again, with the error under the field.
        let wrong = browser.post("/account/totp/enable", &[("csrf", &csrf), ("code", "000000")]).await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("That code is not right"));
        assert_eq!(between(&wrong.body, "<p class=\"secret\">", "</p>"), shown, "the same secret");
        let code = totp_code(&app, &secret, 0);
        assert_forgeries_refused(&mut browser, "/account/totp/enable", &[("code", &code)]).await;
        assert!(!app.state.auth.mfa_status(app.state.auth.browser_session(&old_cookie.clone().into()).await.unwrap().unwrap().user.id).await.unwrap().totp);

        let codes = browser.post("/account/totp/enable", &[("csrf", &csrf), ("code", &code)]).await;
        assert_eq!(codes.status, 200, "{}", codes.body);
        assert_eq!(codes.body.matches("<li>").count(), 10, "{}", codes.body);
        assert!(codes.body.contains("you will not see them again"));
        let new_cookie = browser.cookies[COOKIE].clone();
        assert_ne!(new_cookie, old_cookie, "a new session id");
        assert!(!opens_account(&app, &old_cookie).await);
        let page = browser.get("/account?done=totp-on").await;
        assert!(page.body.contains("Two-step verification is on.") && page.body.contains("Turn off the authenticator app"));

        // Signing in again asks for the second factor.
        let mut other = Browser::new(&issuer(&app));
        let login = other.get("/login").await;
        let second = other.sign_in(login, "alice", STRONG_PASSWORD).await;
        assert_eq!(second.status, 200);
        assert!(second.body.contains("action=\"/mfa\""), "{}", second.body);
        // No language picker mid-sign-in: it would leave the one-time step.
        assert!(!second.body.contains("action=\"/language\""), "{}", second.body);
        assert!(!second.set_cookies.iter().any(|c| c.starts_with("__Host-gatehouse=") && !c.contains("Max-Age=0")));
    }

    async fn sensitive_changes_after_the_step_up_window_need_the_password(backend) {
        let app = spawn_provider(backend, |c| c.step_up_window = Some("1s".into())).await;
        fresh_step(&app).await;
        let (mut browser, _) = signed_in(&app).await;
        enrol_totp(&app, &mut browser).await;
        app.advance(std::time::Duration::from_millis(1500));
        let page = account(&mut browser).await;
        assert!(page.body.contains("id=\"codes_password\"") && page.body.contains("id=\"totp_password\""), "{}", page.body);
        let csrf = page.field("csrf").unwrap();
        let refused = browser.post("/account/backup-codes", &[("csrf", &csrf)]).await;
        assert_eq!(refused.status, 401);
        assert!(refused.body.contains("id=\"codes_password-error\""), "{}", refused.body);
        let wrong = browser.post("/account/totp/disable", &[("csrf", &csrf), ("totp_password", "not my password at all")]).await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("id=\"totp_password-error\""));
        let codes = browser.post("/account/backup-codes", &[("csrf", &csrf), ("codes_password", STRONG_PASSWORD)]).await;
        assert_eq!(codes.status, 200, "{}", codes.body);
        assert_eq!(codes.body.matches("<li>").count(), 10);
        // Just proven: turning the app off needs nothing more now.
        let off = browser.post("/account/totp/disable", &[("csrf", &csrf)]).await;
        assert_eq!(off.status, 303, "{}", off.body);
        assert!(off.location.unwrap().ends_with("/account?done=totp-off"));
        let page = account(&mut browser).await;
        assert!(page.body.contains("Set up an authenticator app"));
    }

    async fn signing_out_another_session_ends_it(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, tokens) = signed_in(&app).await;
        let access = tokens["access_token"].as_str().unwrap();
        let list: Value = app.get("/api/auth/sessions").bearer_auth(access).send().await.unwrap().json().await.unwrap();
        let api_session = list["sessions"].as_array().unwrap().iter().find(|s| s["current"] == true).unwrap()["id"].as_str().unwrap().to_owned();
        let page = account(&mut browser).await;
        assert!(page.body.contains(&format!("name=\"session\" value=\"{api_session}\"")), "{}", page.body);
        assert_eq!(page.body.matches("name=\"session\"").count(), 1, "no sign-out button for this browser");

        assert_forgeries_refused(&mut browser, "/account/sessions/end", &[("session", &api_session)]).await;
        let cookie = browser.cookies[COOKIE].clone();
        let csrf = page.field("csrf").unwrap();
        let cross_site = [("session", api_session.as_str()), ("csrf", csrf.as_str())];
        assert_eq!(post_from(&app, "https://evil.example", &cookie, "/account/sessions/end", &cross_site).await, 403);
        assert_eq!(app.me(access).await.status(), 200, "still signed in");

        let done = browser.post("/account/sessions/end", &cross_site).await;
        assert_eq!(done.status, 303);
        assert!(done.location.unwrap().ends_with("/account?done=session-ended"));
        assert_eq!(app.me(access).await.status(), 401);
        assert_eq!(app.refresh(tokens["refresh_token"].as_str().unwrap()).await.status(), 401);
        assert!(opens_account(&app, &cookie).await, "this browser stays signed in");
        // Someone else's (or an unknown) session: nothing to end.
        let bob = app.signed_up("bob").await;
        let bob_list: Value = app.get("/api/auth/sessions").bearer_auth(bob["access_token"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
        let bob_session = bob_list["sessions"][0]["id"].as_str().unwrap().to_owned();
        let refused = browser.post("/account/sessions/end", &[("session", bob_session.as_str()), ("csrf", csrf.as_str())]).await;
        assert_eq!(refused.status, 404);
        assert_eq!(app.me(bob["access_token"].as_str().unwrap()).await.status(), 200);
    }

    async fn signing_out_everywhere_ends_this_browser_too(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, tokens) = signed_in(&app).await;
        let cookie = browser.cookies[COOKIE].clone();
        let page = account(&mut browser).await;
        assert_forgeries_refused(&mut browser, "/account/sessions/end-all", &[]).await;
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 200);
        let csrf = page.field("csrf").unwrap();
        let done = browser.post("/account/sessions/end-all", &[("csrf", &csrf)]).await;
        assert_eq!(done.status, 303);
        assert!(done.location.unwrap().ends_with("/login?done=logged-out"));
        assert!(!browser.cookies.contains_key(COOKIE), "the cookie is cleared");
        assert!(!opens_account(&app, &cookie).await);
        assert_eq!(app.me(tokens["access_token"].as_str().unwrap()).await.status(), 401);
    }

    async fn removing_a_connected_app_ends_its_access(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, _) = signed_in(&app).await;
        let client = register_client(&app, web_app(false)).await;
        let tokens = oauth_tokens(&app, &mut browser, &client).await;
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let page = account(&mut browser).await;
        assert!(page.body.contains("Example App") && page.body.contains("App: Example App"), "{}", page.body);

        assert_forgeries_refused(&mut browser, "/account/apps/remove", &[("client_id", &client.id)]).await;
        assert!(account(&mut browser).await.body.contains("Remove access"), "still connected");
        let csrf = page.field("csrf").unwrap();
        let done = browser.post("/account/apps/remove", &[("client_id", client.id.as_str()), ("csrf", csrf.as_str())]).await;
        assert_eq!(done.status, 303);
        assert!(done.location.unwrap().ends_with("/account?done=app-removed"));
        let page = account(&mut browser).await;
        assert!(page.body.contains("No apps can use your account.") && !page.body.contains("App: Example App"));
        let res = app
            .client
            .post(format!("{}/oauth2/token", issuer(&app)))
            .basic_auth(&client.id, client.secret.as_deref())
            .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "the app's refresh token stopped working");
        let again = browser.post("/account/apps/remove", &[("client_id", client.id.as_str()), ("csrf", csrf.as_str())]).await;
        assert_eq!(again.status, 404);
    }

    async fn logout_ends_the_session_on_the_server(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, _) = signed_in(&app).await;
        let cookie = browser.cookies[COOKIE].clone();
        let page = account(&mut browser).await;
        assert_forgeries_refused(&mut browser, "/logout", &[]).await;
        let csrf = page.field("csrf").unwrap();
        assert_eq!(post_from(&app, "https://evil.example", &cookie, "/logout", &[("csrf", &csrf)]).await, 403);
        assert!(opens_account(&app, &cookie).await, "still signed in");
        let done = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(done.status, 303);
        assert!(done.location.unwrap().ends_with("/login?done=logged-out"));
        assert!(done.set_cookies.iter().any(|c| c.starts_with("__Host-gatehouse=;") && c.contains("Max-Age=0")), "{:?}", done.set_cookies);
        assert!(!opens_account(&app, &cookie).await, "the old cookie value opens nothing");
        // The login page confirms it, from a fixed notice only.
        assert!(browser.get("/login?done=logged-out").await.body.contains("You are logged out."));
        let other = browser.get("/login?done=%3Cb%3Ehi").await;
        assert!(!other.body.contains("notice success") && !other.body.contains("&lt;b&gt;hi"), "{}", other.body);
        // Signed out already: nothing to do, back to the login page.
        let again = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(again.status, 303);
        assert!(again.location.unwrap().ends_with("/login?done=logged-out"));
    }

    async fn an_email_change_is_asked_for_with_the_password(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, _) = signed_in(&app).await;
        let page = account(&mut browser).await;
        let csrf = page.field("csrf").unwrap();
        assert_forgeries_refused(&mut browser, "/account/email", &[("new_email", "alice@new.example"), ("email_password", STRONG_PASSWORD)]).await;
        let wrong = browser.post("/account/email", &[("csrf", &csrf), ("new_email", "alice@new.example"), ("email_password", "not my password at all")]).await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("id=\"email_password-error\"") && wrong.body.contains("value=\"alice@new.example\""));
        let invalid = browser.post("/account/email", &[("csrf", &csrf), ("new_email", "not an address"), ("email_password", STRONG_PASSWORD)]).await;
        assert_eq!(invalid.status, 422);
        assert!(invalid.body.contains("Enter a valid email address."));
        let done = browser.post("/account/email", &[("csrf", &csrf), ("new_email", "alice@new.example"), ("email_password", STRONG_PASSWORD)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.unwrap().ends_with("/account?done=email"));
        let page = browser.get("/account?done=email").await;
        assert!(page.body.contains("We sent a link to the new address"));
        assert!(page.body.contains("alice@example.com"), "the address changes only when the link is followed");
    }

    async fn a_session_that_must_enrol_can_only_enrol(backend) {
        let app = spawn_provider(backend, |c| c.mfa_required = Some(true)).await;
        let (mut browser, _) = signed_in(&app).await;
        let page = account(&mut browser).await;
        assert!(page.body.contains("Your account needs two-step verification"), "{}", page.body);
        assert!(!page.body.contains("action=\"/account/password\"") && !page.body.contains("Log out everywhere"));
        let csrf = page.field("csrf").unwrap();
        let form = [("current_password", STRONG_PASSWORD), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD), ("csrf", csrf.as_str())];
        let refused = browser.post("/account/password", &form).await;
        assert_eq!(refused.status, 403);
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200, "unchanged");
        let setup = browser.post("/account/totp/setup", &[("csrf", &csrf)]).await;
        assert_eq!(setup.status, 200, "setting up is allowed");
    }

    async fn passkeys_are_renamed_and_removed_on_the_page(backend) {
        let app = spawn_provider(backend, |c| c.step_up_window = Some("1s".into())).await;
        let (mut browser, tokens) = signed_in(&app).await;
        let id = api_passkey(&app, tokens["access_token"].as_str().unwrap()).await;
        let page = account(&mut browser).await;
        assert!(page.body.contains("<td data-label=\"Name\">key</td>"), "{}", page.body);
        let csrf = page.field("csrf").unwrap();

        assert_forgeries_refused(&mut browser, "/account/passkeys/rename", &[("id", &id), ("name", "Laptop")]).await;
        let too_long = "x".repeat(65);
        let refused = browser.post("/account/passkeys/rename", &[("csrf", &csrf), ("id", &id), ("name", &too_long)]).await;
        assert_eq!(refused.status, 422);
        let done = browser.post("/account/passkeys/rename", &[("csrf", &csrf), ("id", &id), ("name", "Laptop")]).await;
        assert_eq!(done.status, 303);
        assert!(done.location.unwrap().ends_with("/account?done=passkey-renamed"));
        assert!(account(&mut browser).await.body.contains("<td data-label=\"Name\">Laptop</td>"));

        assert_forgeries_refused(&mut browser, "/account/passkeys/remove", &[("id", &id)]).await;
        let unknown = uuid::Uuid::now_v7().to_string();
        let gone = browser.post("/account/passkeys/remove", &[("csrf", &csrf), ("id", &unknown)]).await;
        assert_eq!(gone.status, 404);
        // The sign-in is older than the step-up window: the password is asked for.
        app.advance(std::time::Duration::from_millis(1500));
        let page = account(&mut browser).await;
        assert!(page.body.contains(&format!("id=\"passkey-{id}-password\"")), "{}", page.body);
        let refused = browser.post("/account/passkeys/remove", &[("csrf", &csrf), ("id", &id)]).await;
        assert_eq!(refused.status, 401);
        assert!(refused.body.contains("<td data-label=\"Name\">Laptop</td>"), "not removed");
        let done = browser.post("/account/passkeys/remove", &[("csrf", &csrf), ("id", &id), ("passkey_password", STRONG_PASSWORD)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location.unwrap().ends_with("/account?done=passkey-removed"));
        assert!(!account(&mut browser).await.body.contains("<td data-label=\"Name\">Laptop</td>"));
    }

    async fn admins_see_the_way_to_administration(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let info = gatehouse_core::audit::ClientInfo::default();
        app.state.admin.create_user(gatehouse_core::flows::NewUserRequest {
            username: "root".into(), email: "root@example.com".into(),
            password: Some(STRONG_PASSWORD.to_owned().into()), roles: vec![gatehouse_core::account::Role::admin()], email_verified: true,
            locale: None,
        }, &crate::helpers::operator(), &info).await.unwrap();
        let mut browser = Browser::new(&issuer(&app));
        let login = browser.get("/login?return_to=%2Faccount").await;
        browser.sign_in(login, "root", STRONG_PASSWORD).await;
        let page = account(&mut browser).await;
        assert!(page.body.contains("href=\"/admin\""), "{}", page.body);
        assert!(page.body.contains("Administration"));
        assert!(page.body.contains("<span class=\"badge ok\">verified</span>"));
    }
}

/// Runs an OAuth authorization for `client` (consenting) and redeems the code.
async fn oauth_tokens(app: &TestApp, browser: &mut Browser, client: &TestClient) -> Value {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email offline_access"),
        ("state", "st-123"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ] {
        query.append_pair(k, v);
    }
    let done = browser.authorize(&format!("/oauth2/authorize?{}", query.finish()), "alice").await;
    assert_eq!(done.status, 303, "{}", done.body);
    let code = done.location_params()["code"].clone();
    let res = app
        .client
        .post(format!("{}/oauth2/token", issuer(app)))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Registers a passkey named "key" through the JSON API with a software
/// authenticator; returns its id.
async fn api_passkey(app: &TestApp, access: &str) -> String {
    use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, WebauthnAuthenticator};
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;
    let start: Value = app
        .post("/api/auth/webauthn/register/start")
        .bearer_auth(access)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let options: CreationChallengeResponse = serde_json::from_value(start["options"].clone()).unwrap();
    let mut authenticator = WebauthnAuthenticator::new(SoftPasskey::new(true));
    let origin = url::Url::parse(&issuer(app)).unwrap();
    let credential = serde_json::to_value(authenticator.do_registration(origin, options).unwrap()).unwrap();
    let body = serde_json::json!({"ceremony_id": start["ceremony_id"], "name": "key", "credential": credential});
    let finished = app.post("/api/auth/webauthn/register/finish").bearer_auth(access).json(&body).send().await.unwrap();
    assert_eq!(finished.status(), 201);
    let finished: Value = finished.json().await.unwrap();
    finished["credential"]["id"].as_str().unwrap().to_owned()
}

on_both_backends! {

    async fn the_password_and_sign_out_everywhere_forms_offer_to_revoke_api_keys(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        let (mut browser, tokens) = signed_in(&app).await;
        // No keys: nothing offered.
        let page = account(&mut browser).await;
        assert!(!page.body.contains("name=\"revoke_api_keys\""));
        let token = tokens["access_token"].as_str().unwrap();
        let mut secrets = Vec::new();
        for name in ["one", "two"] {
            let made: Value = app.post("/api/auth/api-keys").bearer_auth(token).json(&serde_json::json!({"name": name, "scopes": []})).send().await.unwrap().json().await.unwrap();
            secrets.push(made["secret"].as_str().unwrap().to_owned());
        }
        let page = account(&mut browser).await;
        assert_eq!(page.body.matches("name=\"revoke_api_keys\" type=\"checkbox\" value=\"1\" checked").count(), 2, "ticked on both forms");
        assert!(page.body.contains("Also revoke my 2 API keys"));
        // Unticked: the keys stay.
        let csrf = page.field("csrf").unwrap();
        let done = browser.post("/account/password", &[("csrf", &csrf), ("current_password", STRONG_PASSWORD), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(app.me(&secrets[0]).await.status(), 200);
        // Ticked (as the page sends it): they go.
        let page = account(&mut browser).await;
        let csrf = page.field("csrf").unwrap();
        let done = browser.post("/account/sessions/end-all", &[("csrf", &csrf), ("revoke_api_keys", "1")]).await;
        assert_eq!(done.status, 303);
        assert_eq!(app.me(&secrets[0]).await.status(), 401);
        assert_eq!(app.me(&secrets[1]).await.status(), 401);
    }
}

/// The `<html lang>` of a page.
fn html_lang(body: &str) -> &str {
    between(body, "<html lang=\"", "\"")
}

on_both_backends! {
    async fn the_account_pages_speak_the_browsers_language(backend) {
        let app = spawn_provider(backend, |_| {}).await;
        fresh_step(&app).await;
        let (mut browser, _) = signed_in(&app).await;
        // No header: English.
        let page = account(&mut browser).await;
        assert_eq!(html_lang(&page.body), "en");
        assert!(page.body.contains("<h2 id=\"sessions\">Where you are signed in</h2>"), "{}", page.body);

        browser.accept_language = Some("de-DE,de;q=0.9".into());
        let page = account(&mut browser).await;
        assert_eq!(html_lang(&page.body), "de");
        assert!(page.body.contains("<title>Ihr Konto ·"), "{}", page.body);
        assert!(page.body.contains("<h1>Ihr Konto</h1>"), "{}", page.body);
        for heading in ["<h2 id=\"profile\">Profil</h2>", "<h2 id=\"password\">Passwort</h2>", "<h2 id=\"two-step\">Bestätigung in zwei Schritten</h2>", "<h2 id=\"sessions\">Wo Sie angemeldet sind</h2>", "<h2 id=\"apps\">Verbundene Apps</h2>"] {
            assert!(page.body.contains(heading), "{heading}: {}", page.body);
        }
        assert!(page.body.contains(">Passwort ändern</button>") && page.body.contains(">Überall abmelden</button>"), "{}", page.body);
        assert!(page.body.contains("<span class=\"badge off\">nicht bestätigt</span>") && page.body.contains(">dieser Browser</span>"));
        assert!(page.body.contains(" Zeichen. Einige Wörter ohne Zusammenhang ergeben ein starkes Passwort."), "{}", page.body);
        assert!(page.body.contains("<td data-label=\"Art\">Browser</td>"), "{}", page.body);
        // passkey.js's messages, in German.
        assert!(page.body.contains("data-msg-cancelled=\"Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen. Versuchen Sie es erneut.\""), "{}", page.body);
        assert!(!page.body.contains("Your account") && !page.body.contains("Log out"), "{}", page.body);
        // Notices and errors too.
        let page = browser.get("/account?done=password").await;
        assert!(page.body.contains("Ihr Passwort wurde geändert."), "{}", page.body);
        let csrf = page.field("csrf").unwrap();
        let wrong = [("current_password", "not my password at all"), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD), ("csrf", csrf.as_str())];
        let page = browser.post("/account/password", &wrong).await;
        assert_eq!(page.status, 401);
        assert!(page.body.contains("Es wurde nichts geändert:") && page.body.contains("Dieses Passwort ist nicht richtig."), "{}", page.body);
        let forged = browser.post("/account/password", &[("csrf", "forged")]).await;
        assert_eq!(forged.status, 403);
        assert!(forged.body.contains("Formular abgelaufen"), "{}", forged.body);
        // The authenticator app's setup and the backup codes.
        let setup = browser.post("/account/totp/setup", &[("csrf", &csrf)]).await;
        assert_eq!(html_lang(&setup.body), "de");
        assert!(setup.body.contains("<h1>Authenticator-App einrichten</h1>") && setup.body.contains("alt=\"QR-Code für Ihre Authenticator-App\""), "{}", setup.body);
        let secret = data_encoding::BASE32_NOPAD.decode(between(&setup.body, "<p class=\"secret\">", "</p>").as_bytes()).unwrap();
        let wrong = browser.post("/account/totp/enable", &[("csrf", &csrf), ("code", "000000")]).await;
        assert!(wrong.body.contains("Prüfen Sie, ob die Uhr Ihres Geräts richtig geht"), "{}", wrong.body);
        let codes = browser.post("/account/totp/enable", &[("csrf", &csrf), ("code", &totp_code(&app, &secret, 0))]).await;
        assert_eq!(codes.status, 200, "{}", codes.body);
        assert!(codes.body.contains("<h1>Die Bestätigung in zwei Schritten ist aktiviert</h1>"), "{}", codes.body);
        assert!(codes.body.contains(">Codes kopieren</button>") && codes.body.contains("data-msg-copied=\"Kopiert.\""), "{}", codes.body);
        assert!(codes.body.contains(">Fertig</a>"), "{}", codes.body);

        browser.accept_language = Some("es".into());
        let page = account(&mut browser).await;
        assert_eq!(html_lang(&page.body), "es");
        assert!(page.body.contains("<title>Su cuenta ·") && page.body.contains("<h1>Su cuenta</h1>"), "{}", page.body);
        assert!(page.body.contains("<h2 id=\"profile\">Perfil</h2>") && page.body.contains("<h2 id=\"sessions\">Dónde tiene la sesión iniciada</h2>"), "{}", page.body);
        assert!(page.body.contains(">Cambiar la contraseña</button>") && page.body.contains(">Cerrar sesión en todas partes</button>"), "{}", page.body);
        assert!(page.body.contains("<span class=\"badge ok\">activada</span>"), "the app is on: {}", page.body);
        assert!(page.body.contains(">este navegador</span>") && page.body.contains("<td data-label=\"Tipo\">Navegador</td>"), "{}", page.body);
    }
}
