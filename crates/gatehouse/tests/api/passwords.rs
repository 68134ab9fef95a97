//! Imported legacy hashes verify and are upgraded to Argon2id on login.

use crate::helpers::TestApp;
use crate::on_both_backends;
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::ImportedUser;

async fn import(app: &TestApp, name: &str, hash: String) {
    let record = ImportedUser {
        username: name.into(),
        email: format!("{name}@example.com"),
        password_hash: hash.into(),
        roles: vec!["user".into()],
        email_verified: true,
    };
    app.state.admin.import_user(record, &ClientInfo::default()).await.unwrap();
}

on_both_backends! {
    async fn legacy_hashes_log_in_and_are_rehashed(backend) {
        let app = TestApp::spawn(backend).await;
        let password = "imported password from the old system";
        let bcrypt = bcrypt::hash(password, 4).unwrap();
        use password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let pbkdf2 = pbkdf2::Pbkdf2.hash_password_customized(password.as_bytes(), Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()), None,
            pbkdf2::Params { rounds: 1000, output_length: 32 }, &salt).unwrap().to_string();
        let scrypt = scrypt::Scrypt.hash_password_customized(password.as_bytes(), None, None,
            scrypt::Params::new(10, 8, 1, 32).unwrap(), &salt).unwrap().to_string();
        for (name, hash) in [("bcrypt-user", bcrypt), ("pbkdf2-user", pbkdf2), ("scrypt-user", scrypt)] {
            import(&app, name, hash.clone()).await;
            assert_problem(app.login(name, "the wrong password entirely").await, 401, "invalid_credentials").await;
            assert_eq!(app.login(name, password).await.status(), 200, "{name}");
            let stored = app.state.admin.find_user(name).await.unwrap().password_hash;
            assert!(stored.expose().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{name} upgraded: {stored:?}");
            assert_eq!(app.login(name, password).await.status(), 200, "{name} after rehash");
        }
    }

    async fn outdated_argon2_parameters_are_upgraded(backend) {
        let app = TestApp::spawn(backend).await;
        use argon2::PasswordHasher;
        let salt = password_hash::SaltString::generate(&mut rand::rngs::OsRng);
        let old = argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x13, argon2::Params::new(512, 2, 1, None).unwrap())
            .hash_password(b"an old but decent passphrase", &salt).unwrap().to_string();
        import(&app, "old-argon", old).await;
        assert_eq!(app.login("old-argon", "an old but decent passphrase").await.status(), 200);
        let stored = app.state.admin.find_user("old-argon").await.unwrap().password_hash;
        assert!(stored.expose().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{stored:?}");
    }

    async fn unsupported_hashes_are_refused_at_import(backend) {
        let app = TestApp::spawn(backend).await;
        let record = ImportedUser {
            username: "md5-user".into(), email: "md5@example.com".into(),
            password_hash: "5f4dcc3b5aa765d61d8327deb882cf99".into(), roles: vec![], email_verified: false,
        };
        let err = app.state.admin.import_user(record, &ClientInfo::default()).await.unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_request");
    }
}
