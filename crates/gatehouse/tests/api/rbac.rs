//! Roles and permissions on the admin API: every endpoint against its
//! permission (held through a role, or granted to an API key), the
//! object-level rules, and what a change of roles does to tokens.

use gatehouse_core::account::{Role, UserId};
use gatehouse_core::api_key::NewApiKey;
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::{NewRole, NewUserRequest};
use gatehouse_core::oauth::NewClient;
use gatehouse_core::rbac::{Permission, CATALOG};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, jwt_parts, operator, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Creates role `role` granting `permissions` (if it does not exist yet).
pub async fn role(app: &TestApp, role: &str, permissions: &[&str]) {
    let req = NewRole {
        name: role.into(),
        description: String::new(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
    };
    app.state.admin.create_role(&operator(), req, &ClientInfo::default()).await.unwrap();
}

/// Creates `name` holding `roles` (and `user`) as the operator would; returns the id.
pub async fn user_with(app: &TestApp, name: &str, roles: &[&str]) -> UserId {
    let mut roles: Vec<Role> = roles.iter().map(|r| Role::parse(r).unwrap()).collect();
    roles.push(Role::user());
    let req = NewUserRequest {
        username: name.into(),
        email: format!("{name}@example.com"),
        password: Some(STRONG_PASSWORD.to_owned().into()),
        roles,
        email_verified: true,
        locale: None,
    };
    app.state.admin.create_user(req, &operator(), &ClientInfo::default()).await.unwrap().id
}

/// A person holding exactly `permissions` (through a role of their own), signed in.
pub async fn holder(app: &TestApp, name: &str, permissions: &[&str]) -> (UserId, String) {
    let role_name = format!("role-{name}");
    role(app, &role_name, permissions).await;
    let id = user_with(app, name, &[&role_name]).await;
    let login: Value = app.login(name, STRONG_PASSWORD).await.json().await.unwrap();
    (id, s(&login["access_token"]).to_owned())
}

/// An API key of `user` with `scopes`, stored directly (no step-up, no limits).
pub async fn key_of(app: &TestApp, user: UserId, scopes: &[&str]) -> String {
    let scopes = scopes.iter().map(|p| Permission::parse(p).unwrap()).collect();
    let minted = NewApiKey::mint(user, "test".into(), scopes, app.state.clock.now(), None);
    app.state.store.insert_api_key(&minted.key).await.unwrap();
    minted.secret.expose_secret().to_owned()
}

fn all_but(permission: &str) -> Vec<&'static str> {
    CATALOG.iter().map(|(p, _)| *p).filter(|p| *p != permission).collect()
}

/// What one endpoint call acts on: made fresh for each call.
struct Fixture {
    user: String,
    session: String,
    key: String,
    client: String,
    role: String,
}

async fn fixture(app: &TestApp, n: usize) -> Fixture {
    let name = format!("target{n}");
    let user = user_with(app, &name, &[]).await;
    let login: Value = app.login(&name, STRONG_PASSWORD).await.json().await.unwrap();
    let minted = NewApiKey::mint(user, "t".into(), vec![], app.state.clock.now(), None);
    app.state.store.insert_api_key(&minted.key).await.unwrap();
    let client = NewClient {
        name: format!("App {n}"),
        redirect_uris: vec!["https://app.example.com/cb".into()],
        ..Default::default()
    };
    let client = app.state.admin.create_client(client, &operator(), &ClientInfo::default()).await.unwrap();
    let spare = format!("spare{n}");
    role(app, &spare, &[]).await;
    Fixture {
        user: user.to_string(),
        session: s(&login["session_id"]).to_owned(),
        key: minted.key.id.to_string(),
        client: client.client.id,
        role: spare,
    }
}

/// Every admin endpoint: the permission it needs, the method, the path
/// (`{user}`, `{session}`, `{key}`, `{client}`, `{role}` from a fixture) and a body.
fn endpoints() -> Vec<(&'static str, Method, &'static str, Option<Value>)> {
    let none = None;
    vec![
        ("users:read", Method::GET, "/api/admin/users", none.clone()),
        (
            "users:write",
            Method::POST,
            "/api/admin/users",
            Some(json!({"username": "made{n}", "email": "made{n}@example.com", "password": STRONG_PASSWORD})),
        ),
        ("users:read", Method::GET, "/api/admin/users/{user}", none.clone()),
        ("users:write", Method::PATCH, "/api/admin/users/{user}", Some(json!({"email_verified": false}))),
        ("users:delete", Method::DELETE, "/api/admin/users/{user}", none.clone()),
        ("users:write", Method::POST, "/api/admin/users/{user}/disable", none.clone()),
        ("users:write", Method::POST, "/api/admin/users/{user}/enable", none.clone()),
        ("users:write", Method::POST, "/api/admin/users/{user}/unlock", none.clone()),
        ("users:write", Method::POST, "/api/admin/users/{user}/password-reset", none.clone()),
        ("users:read", Method::GET, "/api/admin/users/{user}/sessions", none.clone()),
        ("users:write", Method::DELETE, "/api/admin/users/{user}/sessions", none.clone()),
        ("users:write", Method::DELETE, "/api/admin/users/{user}/sessions/{session}", none.clone()),
        ("users:read", Method::GET, "/api/admin/users/{user}/api-keys", none.clone()),
        ("users:write", Method::DELETE, "/api/admin/users/{user}/api-keys/{key}", none.clone()),
        ("roles:assign", Method::PUT, "/api/admin/users/{user}/roles", Some(json!({"roles": ["user", "{role}"]}))),
        ("roles:assign", Method::POST, "/api/admin/users/{user}/roles/{role}", none.clone()),
        ("roles:assign", Method::DELETE, "/api/admin/users/{user}/roles/user", none.clone()),
        ("roles:read", Method::GET, "/api/admin/roles", none.clone()),
        ("roles:write", Method::POST, "/api/admin/roles", Some(json!({"name": "made{n}", "permissions": []}))),
        ("roles:read", Method::GET, "/api/admin/roles/{role}", none.clone()),
        ("roles:write", Method::PATCH, "/api/admin/roles/{role}", Some(json!({"description": "changed"}))),
        ("roles:write", Method::DELETE, "/api/admin/roles/{role}", none.clone()),
        ("roles:read", Method::GET, "/api/admin/permissions", none.clone()),
        ("clients:read", Method::GET, "/api/admin/clients", none.clone()),
        (
            "clients:write",
            Method::POST,
            "/api/admin/clients",
            Some(json!({"name": "Made", "redirect_uris": ["https://made.example.com/cb"]})),
        ),
        ("clients:read", Method::GET, "/api/admin/clients/{client}", none.clone()),
        ("clients:write", Method::PATCH, "/api/admin/clients/{client}", Some(json!({"name": "Renamed"}))),
        ("clients:write", Method::POST, "/api/admin/clients/{client}/secret", none.clone()),
        ("clients:write", Method::DELETE, "/api/admin/clients/{client}", none.clone()),
        ("keys:read", Method::GET, "/api/admin/keys", none.clone()),
        ("keys:rotate", Method::POST, "/api/admin/keys/rotate", none.clone()),
        ("audit:read", Method::GET, "/api/admin/audit", none),
    ]
}

fn fill(template: &str, f: &Fixture, n: usize) -> String {
    template
        .replace("{user}", &f.user)
        .replace("{session}", &f.session)
        .replace("{key}", &f.key)
        .replace("{client}", &f.client)
        .replace("{role}", &f.role)
        .replace("{n}", &n.to_string())
}

async fn call(app: &TestApp, method: &Method, path: &str, body: &Option<Value>, token: &str) -> reqwest::Response {
    let mut req = app.client.request(method.clone(), app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(body);
    }
    req.send().await.unwrap()
}

on_both_backends! {
    async fn every_admin_endpoint_needs_its_permission(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let root: UserId = UserId(s(&admin["user"]["id"]).parse().unwrap());
        let mut n = 0;
        for (permission, method, template, body) in endpoints() {
            let what = format!("{method} {template} ({permission})");
            // Without any token: 401.
            n += 1;
            let f = fixture(&app, n).await;
            let r = app.client.request(method.clone(), app.url(&fill(template, &f, n))).send().await.unwrap();
            assert_eq!(r.status(), 401, "{what} without a token");
            // A person holding every permission but this one: 403.
            let (_, without) = holder(&app, &format!("without{n}"), &all_but(permission)).await;
            let body_n = body.as_ref().map(|b| serde_json::from_str(&fill(&b.to_string(), &f, n)).unwrap());
            let r = call(&app, &method, &fill(template, &f, n), &body_n, &without).await;
            let problem = assert_problem(r, 403, "forbidden").await;
            assert!(s(&problem["detail"]).contains(permission), "{what}: {problem}");
            // An API key of the administrator scoped to everything but this one: 403.
            let key = key_of(&app, root, &all_but(permission)).await;
            assert_problem(call(&app, &method, &fill(template, &f, n), &body_n, &key).await, 403, "forbidden").await;
            // A person holding just this permission: it works.
            let (_, with) = holder(&app, &format!("with{n}"), &[permission]).await;
            let r = call(&app, &method, &fill(template, &f, n), &body_n, &with).await;
            assert!(r.status().is_success(), "{what} with the permission: {} {}", r.status(), r.text().await.unwrap());
            // An API key scoped to just this permission works too (on a fresh fixture).
            n += 1;
            let f = fixture(&app, n).await;
            let body_n = body.as_ref().map(|b| serde_json::from_str(&fill(&b.to_string(), &f, n)).unwrap());
            let key = key_of(&app, root, &[permission]).await;
            let r = call(&app, &method, &fill(template, &f, n), &body_n, &key).await;
            assert!(r.status().is_success(), "{what} with a key: {} {}", r.status(), r.text().await.unwrap());
        }
    }

    async fn changes_need_everything_the_target_holds(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let root = s(&admin["user"]["id"]).to_owned();
        let (support_id, support) = holder(&app, "support", &["users:read", "users:write", "users:delete", "roles:assign", "roles:write"]).await;
        let (auditor_id, _) = holder(&app, "auditor", &["audit:read"]).await;
        let a = &app;
        let post = move |path: String, token: String| async move { a.post(&path).bearer_auth(token).send().await.unwrap() };
        // The support desk may change a plain account…
        let bob = user_with(&app, "bob", &[]).await;
        assert_eq!(post(format!("/api/admin/users/{bob}/unlock"), support.clone()).await.status(), 200);
        // …but not an administrator, nor anyone holding a permission it lacks.
        for action in ["disable", "unlock", "password-reset"] {
            let r = post(format!("/api/admin/users/{root}/{action}"), support.clone()).await;
            let p = assert_problem(r, 403, "forbidden").await;
            assert!(s(&p["detail"]).contains("administrator"), "{p}");
            let r = post(format!("/api/admin/users/{auditor_id}/{action}"), support.clone()).await;
            let p = assert_problem(r, 403, "forbidden").await;
            assert!(s(&p["detail"]).contains("audit:read"), "{p}");
        }
        let r = app.client.delete(app.url(&format!("/api/admin/users/{root}"))).bearer_auth(&support).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        assert!(app.state.admin.find_user("root").await.unwrap().is_active);
        // Granting needs holding: not a role with a permission it lacks, never admin.
        role(&app, "keymaster", &["keys:rotate"]).await;
        let r = post(format!("/api/admin/users/{bob}/roles/keymaster"), support.clone()).await;
        let p = assert_problem(r, 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("keys:rotate"), "{p}");
        let r = post(format!("/api/admin/users/{bob}/roles/admin"), support.clone()).await;
        assert_problem(r, 403, "forbidden").await;
        let r = post(format!("/api/admin/users/{support_id}/roles/admin"), support.clone()).await;
        assert_problem(r, 403, "forbidden").await;
        let r = app.client.put(app.url(&format!("/api/admin/users/{bob}/roles")))
            .bearer_auth(&support).json(&json!({"roles": ["user", "keymaster"]})).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        assert!(!app.state.admin.find_user("bob").await.unwrap().has_role("keymaster"), "nothing half-written");
        // Defining needs holding too, and taking away counts like granting.
        let r = app.post("/api/admin/roles").bearer_auth(&support)
            .json(&json!({"name": "sneaky", "permissions": ["keys:rotate"]})).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        let r = app.client.patch(app.url("/api/admin/roles/keymaster")).bearer_auth(&support)
            .json(&json!({"permissions": []})).send().await.unwrap();
        assert_problem(r, 403, "forbidden").await;
        let r = app.post("/api/admin/roles").bearer_auth(&support)
            .json(&json!({"name": "helpdesk", "permissions": ["users:read"]})).send().await.unwrap();
        assert_eq!(r.status(), 201, "a role within what it holds");
        // An administrator may grant what nobody holds yet (an application's permission).
        let token = s(&admin["access_token"]);
        let r = app.post("/api/admin/roles").bearer_auth(token)
            .json(&json!({"name": "editor", "permissions": ["posts:write", "posts:read"]})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let r = post(format!("/api/admin/users/{bob}/roles/editor"), token.to_owned()).await;
        assert_eq!(r.status(), 201);
        let bob_view: Value = r.json().await.unwrap();
        assert_eq!(bob_view["permissions"], json!(["posts:read", "posts:write"]));
        // …and then the support desk may no longer change bob, who holds more than it.
        let r = post(format!("/api/admin/users/{bob}/disable"), support.clone()).await;
        assert_problem(r, 403, "forbidden").await;
        // A deputy holding every catalog permission through another role is still
        // no administrator: it may not give or take admin, nor change an admin.
        let catalog: Vec<&str> = CATALOG.iter().map(|(p, _)| *p).collect();
        let (_, deputy) = holder(&app, "deputy", &catalog).await;
        let carl = user_with(&app, "carl", &[]).await;
        let p = assert_problem(post(format!("/api/admin/users/{carl}/roles/admin"), deputy.clone()).await, 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("only an administrator"), "{p}");
        let p = assert_problem(post(format!("/api/admin/users/{root}/unlock"), deputy.clone()).await, 403, "forbidden").await;
        assert!(s(&p["detail"]).contains("only an administrator"), "{p}");
        assert_eq!(post(format!("/api/admin/users/{carl}/roles/keymaster"), deputy).await.status(), 201);
    }

    async fn administrators_are_never_locked_out(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let root = s(&admin["user"]["id"]).to_owned();
        let token = s(&admin["access_token"]).to_owned();
        let post = |path: String| {
            let token = token.clone();
            let app = &app;
            async move { app.post(&path).bearer_auth(token).send().await.unwrap() }
        };
        // Not oneself: disable, delete, the admin role.
        assert_problem(post(format!("/api/admin/users/{root}/disable")).await, 409, "self_action").await;
        let r = app.client.delete(app.url(&format!("/api/admin/users/{root}"))).bearer_auth(&token).send().await.unwrap();
        assert_problem(r, 409, "self_action").await;
        let r = app.client.delete(app.url(&format!("/api/admin/users/{root}/roles/admin"))).bearer_auth(&token).send().await.unwrap();
        assert_problem(r, 409, "self_action").await;
        let r = app.client.put(app.url(&format!("/api/admin/users/{root}/roles"))).bearer_auth(&token)
            .json(&json!({"roles": ["user"]})).send().await.unwrap();
        assert_problem(r, 409, "self_action").await;
        // Not the last active administrator, whoever asks.
        let ops = user_with(&app, "ops", &[]).await;
        let root_id = UserId(root.parse().unwrap());
        let err = app.state.admin.set_active(&operator(), root_id, false, &ClientInfo::default()).await.unwrap_err();
        assert_eq!(err.code().as_str(), "last_admin");
        let err = app.state.admin.revoke_role(&operator(), root_id, &Role::admin(), &ClientInfo::default()).await.unwrap_err();
        assert_eq!(err.code().as_str(), "last_admin");
        let err = app.state.admin.delete_user_as_admin(&operator(), root_id, &ClientInfo::default()).await.unwrap_err();
        assert_eq!(err.code().as_str(), "last_admin");
        // With a second administrator, the first may go.
        assert_eq!(post(format!("/api/admin/users/{ops}/roles/admin")).await.status(), 201);
        app.state.admin.set_active(&operator(), root_id, false, &ClientInfo::default()).await.unwrap();
        // A disabled administrator's token no longer works on the admin API.
        assert_problem(app.get("/api/admin/users").bearer_auth(&token).send().await.unwrap(), 401, "invalid_token").await;
    }

    async fn roles_are_defined_and_refused_by_rule(backend) {
        let app = TestApp::spawn_with(backend, |c| c.default_roles = Some(vec!["user".into(), "member".into()])).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        let create = |body: Value| {
            let token = token.clone();
            let app = &app;
            async move { app.post("/api/admin/roles").bearer_auth(token).json(&body).send().await.unwrap() }
        };
        let r = create(json!({"name": "viewer", "description": "Reads posts", "permissions": ["posts:read", "posts:read"]})).await;
        assert_eq!(r.status(), 201);
        let viewer: Value = r.json().await.unwrap();
        assert_eq!((viewer["permissions"].clone(), viewer["builtin"].clone()), (json!(["posts:read"]), json!(false)));
        assert_problem(create(json!({"name": "viewer"})).await, 409, "role_exists").await;
        assert_problem(create(json!({"name": "Bad Name"})).await, 400, "invalid_request").await;
        assert_problem(create(json!({"name": "odd", "permissions": ["posts"]})).await, 400, "invalid_request").await;
        assert_problem(create(json!({"name": "odd", "permissions": ["posts:*"]})).await, 400, "invalid_request").await;
        assert_problem(create(json!({"name": 5})).await, 422, "invalid_body").await;

        let roles: Value = app.get("/api/admin/roles").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let names: Vec<&str> = roles["roles"].as_array().unwrap().iter().map(|r| s(&r["name"])).collect();
        assert_eq!(names, ["admin", "member", "user", "viewer"], "a missing default role is created");
        let admin_role = &roles["roles"][0];
        for (p, _) in CATALOG {
            assert!(admin_role["permissions"].as_array().unwrap().iter().any(|x| x == p), "admin holds {p}");
        }
        // The built-in roles: admin keeps the catalog, neither can be deleted.
        let patch = |path: &str, body: Value| app.client.patch(app.url(path)).bearer_auth(&token).json(&body).send();
        assert_problem(patch("/api/admin/roles/admin", json!({"permissions": ["users:read"]})).await.unwrap(), 409, "builtin_role").await;
        let r = patch("/api/admin/roles/admin", json!({"permissions": CATALOG.iter().map(|(p, _)| *p).chain(["posts:delete"]).collect::<Vec<_>>()})).await.unwrap();
        assert_eq!(r.status(), 200, "admin may gain an application's permission");
        let delete = |path: &str| app.client.delete(app.url(path)).bearer_auth(&token).send();
        assert_problem(delete("/api/admin/roles/admin").await.unwrap(), 409, "builtin_role").await;
        assert_problem(delete("/api/admin/roles/user").await.unwrap(), 409, "builtin_role").await;
        let p = assert_problem(delete("/api/admin/roles/member?force=true").await.unwrap(), 409, "builtin_role").await;
        assert!(s(&p["detail"]).contains("default_roles"), "a default role stays while configured");
        assert_problem(delete("/api/admin/roles/nobody").await.unwrap(), 404, "not_found").await;
        assert_problem(app.get("/api/admin/roles/NOPE").bearer_auth(&token).send().await.unwrap(), 404, "not_found").await;
        // A role someone holds goes only with force, and is then taken from them.
        let bob = user_with(&app, "bob", &["viewer"]).await;
        let one: Value = app.get("/api/admin/roles/viewer").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(one["holders"], 1);
        assert_problem(delete("/api/admin/roles/viewer").await.unwrap(), 409, "role_in_use").await;
        assert_problem(delete("/api/admin/roles/viewer?force=maybe").await.unwrap(), 400, "invalid_request").await;
        assert_eq!(delete("/api/admin/roles/viewer?force=true").await.unwrap().status(), 204);
        let bob: Value = app.get(&format!("/api/admin/users/{bob}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(bob["roles"], json!(["user"]));
        // Giving a role that does not exist: 422 unknown_role, nothing changed.
        let r = app.client.put(app.url(&format!("/api/admin/users/{}/roles", s(&bob["id"])))).bearer_auth(&token)
            .json(&json!({"roles": ["user", "ghost"]})).send().await.unwrap();
        assert_problem(r, 422, "unknown_role").await;
        let r = app.post(&format!("/api/admin/users/{}/roles/ghost", s(&bob["id"]))).bearer_auth(&token).send().await.unwrap();
        assert_problem(r, 422, "unknown_role").await;
        let r = app.client.delete(app.url(&format!("/api/admin/users/{}/roles/ghost", s(&bob["id"])))).bearer_auth(&token).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
        // The catalog is listed, and the changes are in the audit log with their actor.
        let catalog: Value = app.get("/api/admin/permissions").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(catalog["permissions"].as_array().unwrap().len(), CATALOG.len());
        let audit: Value = app.get("/api/admin/audit?limit=500").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let kinds: Vec<&str> = audit["events"].as_array().unwrap().iter().map(|e| s(&e["event"])).collect();
        for k in ["role_created", "role_updated", "role_deleted"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        assert!(audit["events"].as_array().unwrap().iter().filter(|e| e["event"] == "role_created").all(|e| e["actor"] == admin["user"]["id"]));
    }

    async fn a_change_of_roles_counts_at_once_for_gatehouse_and_at_the_next_token_elsewhere(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let token = s(&admin["access_token"]).to_owned();
        role(&app, "support", &["users:read"]).await;
        user_with(&app, "sam", &["support"]).await;
        let sam: Value = app.login("sam", STRONG_PASSWORD).await.json().await.unwrap();
        let sam_token = s(&sam["access_token"]).to_owned();
        // Gatehouse's own tokens carry the roles and what they grant.
        let claims = jwt_parts(&sam_token).1;
        assert_eq!(claims["roles"], json!(["support", "user"]));
        assert_eq!(claims["permissions"], json!(["users:read"]));
        assert_eq!(sam["user"]["permissions"], json!(["users:read"]));
        assert!(jwt_parts(app.signed_up("plain").await["access_token"].as_str().unwrap()).1.get("permissions").is_none(),
            "no permissions, no claim");
        assert_eq!(app.get("/api/admin/users").bearer_auth(&sam_token).send().await.unwrap().status(), 200);
        // The role loses the permission: Gatehouse's admin API refuses at once…
        let r = app.client.patch(app.url("/api/admin/roles/support")).bearer_auth(&token)
            .json(&json!({"permissions": []})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_problem(app.get("/api/admin/users").bearer_auth(&sam_token).send().await.unwrap(), 403, "forbidden").await;
        // …the token keeps its claim until it is replaced; the next one has none.
        assert_eq!(jwt_parts(&sam_token).1["permissions"], json!(["users:read"]));
        let next: Value = app.refresh(s(&sam["refresh_token"])).await.json().await.unwrap();
        assert!(jwt_parts(s(&next["access_token"])).1.get("permissions").is_none());
        // A role given counts for the next token the same way.
        let sam_id = s(&sam["user"]["id"]);
        let r = app.client.put(app.url(&format!("/api/admin/users/{sam_id}/roles"))).bearer_auth(&token)
            .json(&json!({"roles": ["admin"]})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let next: Value = app.refresh(s(&next["refresh_token"])).await.json().await.unwrap();
        assert_eq!(jwt_parts(s(&next["access_token"])).1["roles"], json!(["admin"]));
        let audit: Value = app.get("/api/admin/audit?event=role_changed").bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(audit["events"][0]["actor"], admin["user"]["id"]);
        assert_eq!(audit["events"][0]["detail"], "[support,user] -> [admin]");
    }
}
