//! The admin API: the audit log (permission, filters, pagination), OAuth clients (register, change, rotate
//! the secret, delete) and signing keys.

use crate::on_both_backends;
use serde_json::Value;

on_both_backends! {
    async fn oauth_clients_are_managed_by_admins(backend) {
        let app = TestApp::spawn(backend).await;
        let user = app.signed_up("alice").await;
        let alice = user["access_token"].as_str().unwrap();
        let body = serde_json::json!({"name": "Shop", "redirect_uris": ["https://shop.example.com/cb"], "scopes": ["openid", "email"]});
        assert_problem(app.post("/api/admin/clients").bearer_auth(alice).json(&body).send().await.unwrap(), 403, "forbidden").await;
        assert_problem(app.get("/api/admin/clients").bearer_auth(alice).send().await.unwrap(), 403, "forbidden").await;
        assert_problem(app.get("/api/admin/clients").send().await.unwrap(), 401, "unauthorized").await;

        let admin = app.signed_in_admin().await;
        let token = admin["access_token"].as_str().unwrap();
        let created = app.post("/api/admin/clients").bearer_auth(token).json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        let id = created["client_id"].as_str().unwrap().to_owned();
        let secret = created["client_secret"].as_str().unwrap().to_owned();
        assert_eq!(created["kind"], "confidential");
        assert_eq!(created["id_token_signed_response_alg"], "RS256");
        let listed = app.get("/api/admin/clients").bearer_auth(token).send().await.unwrap().text().await.unwrap();
        assert!(listed.contains(&id) && !listed.contains(&secret), "secrets are shown once");
        let one: Value = app.get(&format!("/api/admin/clients/{id}")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        assert_eq!(one["scopes"], serde_json::json!(["openid", "email"]));
        let bad = serde_json::json!({"name": "Evil", "redirect_uris": ["http://evil.example.com/cb"]});
        assert_problem(app.post("/api/admin/clients").bearer_auth(token).json(&bad).send().await.unwrap(), 400, "invalid_request").await;
        let bad = serde_json::json!({"name": "Odd", "redirect_uris": ["https://a.example/cb"], "id_token_signed_response_alg": "HS256"});
        assert_problem(app.post("/api/admin/clients").bearer_auth(token).json(&bad).send().await.unwrap(), 400, "invalid_request").await;
        let spa: Value = app.post("/api/admin/clients").bearer_auth(token)
            .json(&serde_json::json!({"name": "SPA", "public": true, "redirect_uris": ["http://localhost:5173/cb"]}))
            .send().await.unwrap().json().await.unwrap();
        assert!(spa["client_secret"].is_null() && spa["token_endpoint_auth_method"] == "none");
        // A home page and logo: kept, shown, changed, removed; never a non-https address.
        let shop: Value = app.post("/api/admin/clients").bearer_auth(token)
            .json(&serde_json::json!({"name": "Notes", "redirect_uris": ["https://notes.example.com/cb"],
                "client_uri": "https://notes.example.com/", "logo_uri": "https://cdn.example.com/notes.svg"}))
            .send().await.unwrap().json().await.unwrap();
        assert_eq!((shop["client_uri"].as_str(), shop["logo_uri"].as_str()), (Some("https://notes.example.com/"), Some("https://cdn.example.com/notes.svg")));
        let notes = format!("/api/admin/clients/{}", shop["client_id"].as_str().unwrap());
        let changed: Value = app.client.patch(app.url(&notes)).bearer_auth(token).json(&serde_json::json!({"logo_uri": ""}))
            .send().await.unwrap().json().await.unwrap();
        assert!(changed.get("logo_uri").is_none() && changed["client_uri"] == "https://notes.example.com/", "{changed}");
        for field in ["client_uri", "logo_uri"] {
            for bad in ["javascript:alert(1)", "http://notes.example.com/", "data:image/svg+xml,<svg/>"] {
                let res = app.client.patch(app.url(&notes)).bearer_auth(token).json(&serde_json::json!({field: bad})).send().await.unwrap();
                assert_problem(res, 400, "invalid_request").await;
            }
        }
        let path = format!("/api/admin/clients/{id}");
        assert_eq!(app.client.delete(app.url(&path)).bearer_auth(token).send().await.unwrap().status(), 204);
        assert_problem(app.client.delete(app.url(&path)).bearer_auth(token).send().await.unwrap(), 404, "not_found").await;
        assert_problem(app.get(&path).bearer_auth(token).send().await.unwrap(), 404, "not_found").await;
    }

    async fn oauth_clients_are_changed_and_their_secrets_rotated(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let token = admin["access_token"].as_str().unwrap();
        let body = serde_json::json!({"name": "Job", "grant_types": ["client_credentials"], "scopes": ["reports:read"]});
        let created: Value = app.post("/api/admin/clients").bearer_auth(token).json(&body).send().await.unwrap().json().await.unwrap();
        let id = created["client_id"].as_str().unwrap().to_owned();
        let old_secret = created["client_secret"].as_str().unwrap().to_owned();
        let grant = |secret: String, scope: &'static str| {
            let id = id.clone();
            let app = &app;
            async move {
                app.post("/oauth2/token").basic_auth(&id, Some(secret))
                    .form(&[("grant_type", "client_credentials"), ("scope", scope)]).send().await.unwrap()
            }
        };
        assert_eq!(grant(old_secret.clone(), "reports:read").await.status(), 200);
        assert_eq!(grant(old_secret.clone(), "reports:write").await.status(), 400);
        let path = format!("/api/admin/clients/{id}");
        let patch = |body: Value| app.client.patch(app.url(&path)).bearer_auth(token).json(&body).send();
        let changed: Value = patch(serde_json::json!({"name": "Nightly job", "scopes": ["reports:read", "reports:write"]})).await.unwrap().json().await.unwrap();
        assert_eq!(changed["name"], "Nightly job");
        assert_eq!(changed["grant_types"], serde_json::json!(["client_credentials"]), "what is not sent stays");
        assert_eq!(grant(old_secret.clone(), "reports:write").await.status(), 200, "the change counts at once");
        let bad = patch(serde_json::json!({"grant_types": ["authorization_code"]})).await.unwrap();
        assert_problem(bad, 400, "invalid_request").await;
        let bad = patch(serde_json::json!({"id_token_signed_response_alg": "HS256"})).await.unwrap();
        assert_problem(bad, 400, "invalid_request").await;
        assert_problem(patch(serde_json::json!({"name": 3})).await.unwrap(), 422, "invalid_body").await;
        let missing = app.client.patch(app.url("/api/admin/clients/gh_nope")).bearer_auth(token).json(&serde_json::json!({})).send().await.unwrap();
        assert_problem(missing, 404, "not_found").await;

        // A new secret: shown once, the old one refused at once.
        let rotated: Value = app.post(&format!("{path}/secret")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let new_secret = rotated["client_secret"].as_str().unwrap().to_owned();
        assert_ne!(new_secret, old_secret);
        assert_eq!(grant(old_secret.clone(), "reports:read").await.status(), 401);
        assert_eq!(grant(new_secret.clone(), "reports:read").await.status(), 200);
        let listed = app.get("/api/admin/clients").bearer_auth(token).send().await.unwrap().text().await.unwrap();
        assert!(!listed.contains(&new_secret));
        let spa: Value = app.post("/api/admin/clients").bearer_auth(token)
            .json(&serde_json::json!({"name": "SPA", "public": true, "redirect_uris": ["http://localhost:5173/cb"]}))
            .send().await.unwrap().json().await.unwrap();
        let r = app.post(&format!("/api/admin/clients/{}/secret", spa["client_id"].as_str().unwrap())).bearer_auth(token).send().await.unwrap();
        assert_problem(r, 400, "invalid_request").await;
        let audit: Value = app.get("/api/admin/audit?limit=100").bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let text = audit.to_string();
        assert!(text.contains("client_updated") && text.contains("client_secret_rotated"));
        assert!(!text.contains(&new_secret) && !text.contains(&old_secret));
    }

    async fn audit_log_needs_admin_and_filters(backend) {
        let app = TestApp::spawn(backend).await;
        let user = app.signed_up("alice").await;
        app.login("alice", "wrong password 123").await;
        app.login("ghost", "wrong password 123").await;
        let r = app.get("/api/admin/audit").bearer_auth(user["access_token"].as_str().unwrap()).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        assert_problem(app.get("/api/admin/audit").send().await.unwrap(), 401, "unauthorized").await;

        let admin = app.signed_in_admin().await;
        let token = admin["access_token"].as_str().unwrap();
        let get = |q: &str| app.get(&format!("/api/admin/audit{q}")).bearer_auth(token).send();

        let all: Value = get("").await.unwrap().json().await.unwrap();
        let kinds: Vec<&str> = all["events"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
        for k in ["register", "login_succeeded", "login_failed", "user_created"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        let failed: Value = get("?event=login_failed").await.unwrap().json().await.unwrap();
        let failed = failed["events"].as_array().unwrap();
        assert_eq!(failed.len(), 2);
        assert!(failed.iter().all(|e| e["outcome"] == "failure" && e["ip"] == "127.0.0.1"));
        let alice_id = user["user"]["id"].as_str().unwrap();
        let mine: Value = get(&format!("?user={alice_id}&outcome=failure")).await.unwrap().json().await.unwrap();
        assert_eq!(mine["events"].as_array().unwrap().len(), 1);
        let page: Value = get("?limit=1&offset=1").await.unwrap().json().await.unwrap();
        assert_eq!(page["events"].as_array().unwrap().len(), 1);
        let future: Value = get("?since=2999-01-01T00:00:00Z").await.unwrap().json().await.unwrap();
        assert_eq!(future["events"].as_array().unwrap().len(), 0);
        assert_problem(get("?event=nonsense").await.unwrap(), 400, "invalid_request").await;
        assert_problem(get("?since=yesterday").await.unwrap(), 400, "invalid_request").await;
        // No secret ever lands in the audit log.
        assert!(!all.to_string().contains(STRONG_PASSWORD) && !all.to_string().contains("wrong password 123"));
    }

    async fn signing_keys_are_listed_and_rotated_by_admins(backend) {
        let app = TestApp::spawn(backend).await;
        let user = app.signed_up("alice").await;
        let alice = user["access_token"].as_str().unwrap();
        assert_problem(app.get("/api/admin/keys").bearer_auth(alice).send().await.unwrap(), 403, "forbidden").await;
        let r = app.post("/api/admin/keys/rotate").bearer_auth(alice).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        assert_problem(app.post("/api/admin/keys/rotate").send().await.unwrap(), 401, "unauthorized").await;
        let before: Value = app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap();

        let admin = app.signed_in_admin().await;
        let token = admin["access_token"].as_str().unwrap();
        let listed = app.get("/api/admin/keys").bearer_auth(token).send().await.unwrap().text().await.unwrap();
        let keys: Value = serde_json::from_str(&listed).unwrap();
        assert_eq!(keys["keys"][0]["status"], "current");
        assert_eq!(keys["keys"][0]["alg"], "EdDSA");
        assert!(!listed.contains("private") && !listed.contains("\"d\""), "never a private part: {listed}");

        let rotated: Value = app.post("/api/admin/keys/rotate").bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let new_kid = rotated["keys"][0]["kid"].as_str().unwrap().to_owned();
        assert_eq!(rotated["keys"][0]["status"], "current");
        let after: Value = app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap();
        let kids: Vec<&str> = after["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
        assert!(kids.contains(&new_kid.as_str()));
        assert!(kids.contains(&before["keys"][0]["kid"].as_str().unwrap()), "the old key stays published");
        // The admin's own token (old key) still works; the rotation is audited with its actor.
        let audit: Value = app.get("/api/admin/audit?event=keys_rotated").bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let event = &audit["events"][0];
        assert_eq!(event["actor"], admin["user"]["id"]);
        assert!(event["detail"].as_str().unwrap().contains(&new_kid));

        // A second rotation within the token's lifetime: the first key still
        // signed live tokens, so it stays published and they still verify.
        let again = app.post("/api/admin/keys/rotate").bearer_auth(token).send().await.unwrap();
        assert_eq!(again.status(), 200);
        let after: Value = app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap();
        let kids: Vec<&str> = after["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
        assert_eq!(kids.len(), 3, "{kids:?}");
        assert!(kids.contains(&before["keys"][0]["kid"].as_str().unwrap()), "still published after two rotations");
        assert_eq!(app.me(token).await.status(), 200, "a token of the first key still verifies");
    }
}
