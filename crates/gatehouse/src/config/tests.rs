//! The configuration's layering, defaults and refusals.

use std::time::Duration;

use gatehouse_core::password::HashParams;

use super::values::*;
use super::*;

#[test]
fn defaults_match_the_design() {
    let s = Settings::defaults().unwrap();
    assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.accounts.tokens.issuer, "http://localhost:8080");
    assert!(s.database_url.expose().starts_with("sqlite://"));
    assert!(s.database_url.expose().ends_with("gatehouse.db"));
    assert_eq!(s.accounts.tokens.access_ttl, Duration::from_secs(900));
    assert_eq!(s.accounts.refresh_grace, Duration::from_secs(2), "decision 0001: short, audited");
    assert_eq!(s.hash_params, HashParams::default());
}

#[test]
fn the_default_issuer_is_a_name_a_browser_and_passkeys_accept() {
    let at = |bind: &str| default_issuer(bind.parse().unwrap());
    assert_eq!(at("127.0.0.1:8080"), "http://localhost:8080");
    assert_eq!(at("[::1]:9000"), "http://localhost:9000");
    assert_eq!(at("0.0.0.0:8080"), "http://localhost:8080");
    assert_eq!(at("192.0.2.7:8080"), "http://192.0.2.7:8080");
    let raw = RawConfig { bind: Some("127.0.0.1:0".into()), ..Default::default() };
    let bound = Settings::from_raw(raw).unwrap().bound_to("127.0.0.1:41234".parse().unwrap()).unwrap();
    assert_eq!(bound.accounts.tokens.issuer, "http://localhost:41234");
    assert_eq!(bound.accounts.webauthn.origin, "http://localhost:41234");
    let raw = RawConfig {
        bind: Some("127.0.0.1:0".into()),
        issuer: Some("https://id.example.com".into()),
        ..Default::default()
    };
    let bound = Settings::from_raw(raw).unwrap().bound_to("127.0.0.1:41234".parse().unwrap()).unwrap();
    assert_eq!(bound.accounts.tokens.issuer, "https://id.example.com");
}

#[test]
fn default_roles_may_not_make_everyone_an_administrator() {
    let raw = RawConfig { default_roles: Some(vec!["user".into(), "admin".into()]), ..Default::default() };
    let err = Settings::from_raw(raw).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("default_roles must not include admin"), "{err}");
    let raw = RawConfig { default_roles: Some(vec!["member".into()]), ..Default::default() };
    assert_eq!(Settings::from_raw(raw).unwrap().accounts.default_roles[0].as_str(), "member");
}

#[test]
fn flags_beat_file() {
    let file: RawConfig = toml::from_str("bind = \"127.0.0.1:9000\"\nissuer = \"https://id.example.com\"").unwrap();
    let cli = RawConfig { bind: Some("127.0.0.1:9001".into()), ..Default::default() };
    let s = Settings::from_raw(file.overlay(cli)).unwrap();
    assert_eq!(s.bind.port(), 9001);
    assert_eq!(s.accounts.tokens.issuer, "https://id.example.com");
}

#[test]
fn unknown_file_key_is_rejected_by_name() {
    let err = toml::from_str::<RawConfig>("bnid = \"x\"").unwrap_err();
    assert!(err.to_string().contains("bnid"), "{err}");
}

#[test]
fn unknown_env_var_is_rejected() {
    assert!(check_env_names(["GATEHOUSE_BIND".to_string()].into_iter()).is_ok());
    assert!(check_env_names(["GATEHOUSE_TEST_POSTGRES_URL".to_string()].into_iter()).is_ok());
    let err = check_env_names(["GATEHOUSE_BIDN".to_string()].into_iter()).unwrap_err();
    assert!(err.0.contains("GATEHOUSE_BIDN"));
}

#[test]
fn webauthn_defaults_follow_the_issuer() {
    let s = Settings::defaults().unwrap();
    assert_eq!(s.accounts.webauthn.rp_id, "localhost");
    assert_eq!(s.accounts.webauthn.origin, "http://localhost:8080");
    let w = webauthn_settings("https://id.example.com/base", None, None).unwrap();
    assert_eq!((w.rp_id.as_str(), w.origin.as_str()), ("id.example.com", "https://id.example.com"));
    let w = webauthn_settings("https://id.example.com", Some("example.com".into()), None).unwrap();
    assert_eq!(w.rp_id, "example.com");
    assert!(webauthn_settings("https://id.example.com", Some("other.com".into()), None).is_err());
}

#[test]
fn redis_url_and_fail_mode() {
    let s = Settings::defaults().unwrap();
    assert_eq!((s.redis_url.as_ref().map(SecretUrl::expose), s.rate_limit_fail_closed), (None, false));
    assert!(s.describe().contains("rate limits counted in process"));
    let file: RawConfig =
        toml::from_str("redis_url = \"redis://:hunter2@cache:6379/1\"\nrate_limit_fail_closed = true").unwrap();
    let s = Settings::from_raw(file).unwrap();
    assert!(s.rate_limit_fail_closed);
    let described = s.describe();
    assert!(described.contains("redis://***@cache:6379/1") && described.contains("refuse (503)"), "{described}");
    assert!(!described.contains("hunter2"));
    assert!(!format!("{s:?}").contains("hunter2"), "Debug shows no password");
    for url in ["http://:hunter2@cache", "redis://", "cache:6379", "rediss://:hunter2@"] {
        let raw = RawConfig { redis_url: Some(url.into()), ..Default::default() };
        let err = Settings::from_raw(raw).unwrap_err();
        assert!(err.0.starts_with("redis_url:") && !err.0.contains("hunter2"), "{url}: {err}");
    }
    assert!(check_env_names(["GATEHOUSE_RATE_LIMIT_FAIL_CLOSED".to_string()].into_iter()).is_ok());
}

#[test]
fn durations_and_bad_values() {
    assert_eq!(parse_duration("k", "15m").unwrap(), Duration::from_secs(900));
    assert_eq!(parse_duration("k", "90").unwrap(), Duration::from_secs(90));
    assert!(parse_duration("k", "fifteen").is_err());
    let raw = RawConfig { log_format: Some("xml".into()), ..Default::default() };
    assert!(Settings::from_raw(raw).is_err());
    let raw = RawConfig { master_key: Some("short".into()), ..Default::default() };
    assert!(Settings::from_raw(raw).is_err());
}

#[test]
fn retention_defaults_zero_turns_off_and_bad_values_are_refused() {
    let defaults = Settings::from_raw(RawConfig::default()).unwrap();
    assert_eq!(defaults.purge_interval, Some(Duration::from_secs(600)));
    assert_eq!(defaults.audit_retention, Some(Duration::from_secs(365 * 86400)));
    let off = RawConfig { purge_interval: Some("0".into()), audit_retention: Some("0".into()), ..Default::default() };
    let off = Settings::from_raw(off).unwrap();
    assert_eq!((off.purge_interval, off.audit_retention), (None, None), "0: no janitor, audit kept forever");
    let bad = RawConfig { audit_retention: Some("forever".into()), ..Default::default() };
    assert!(Settings::from_raw(bad).is_err());
}

#[test]
fn keys_rotate_by_hand_unless_a_schedule_is_set_and_prepublish_is_shorter() {
    let defaults = Settings::from_raw(RawConfig::default()).unwrap();
    assert_eq!(defaults.accounts.key_schedule, None);
    let zero = RawConfig { signing_key_rotation: Some("0".into()), ..Default::default() };
    assert_eq!(Settings::from_raw(zero).unwrap().accounts.key_schedule, None);
    let on = RawConfig { signing_key_rotation: Some("90d".into()), ..Default::default() };
    let schedule = Settings::from_raw(on).unwrap().accounts.key_schedule.unwrap();
    assert_eq!(schedule.every, Duration::from_secs(90 * 86400));
    assert_eq!(schedule.prepublish, Duration::from_secs(86400), "published a day ahead by default");
    let too_long = RawConfig {
        signing_key_rotation: Some("12h".into()),
        signing_key_prepublish: Some("1d".into()),
        ..Default::default()
    };
    let err = Settings::from_raw(too_long).unwrap_err();
    assert!(err.to_string().contains("signing_key_prepublish"), "{err}");
}

#[test]
fn forward_auth_rules_and_the_cookie_domain_are_checked() {
    use super::raw::RawAccessRule;
    use gatehouse_core::access::Policy;
    let defaults = Settings::from_raw(RawConfig::default()).unwrap();
    assert_eq!(defaults.accounts.access.default_policy, Policy::OneFactor);
    assert!(defaults.accounts.access.rules.is_empty() && defaults.accounts.browser.cookie_domain.is_none());
    let rule = |policy: &str, hosts: &[&str]| RawAccessRule {
        hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
        policy: policy.into(),
        ..Default::default()
    };
    let raw = RawConfig {
        issuer: Some("https://id.example.com".into()),
        cookie_domain: Some(".Example.com".into()),
        access_default_policy: Some("deny".into()),
        access_rules: Some(vec![rule("two_factor", &["*.example.com"]), rule("bypass", &[])]),
        ..Default::default()
    };
    let settings = Settings::from_raw(raw).unwrap();
    assert_eq!(settings.accounts.browser.cookie_domain.as_deref(), Some("example.com"));
    assert_eq!(settings.accounts.access.rules.len(), 2);
    assert_eq!(settings.accounts.access.default_policy, Policy::Deny);
    let refused = |raw: RawConfig, says: &str| {
        let err = Settings::from_raw(raw).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(says), "{says}: {err}");
    };
    refused(RawConfig { access_rules: Some(vec![rule("maybe", &[])]), ..Default::default() }, "access_rules[1]");
    refused(
        RawConfig { access_rules: Some(vec![rule("bypass", &["bad host"])]), ..Default::default() },
        "access_rules[1]",
    );
    refused(RawConfig { access_default_policy: Some("open".into()), ..Default::default() }, "access_default_policy");
    let elsewhere = RawConfig {
        issuer: Some("https://id.example.com".into()),
        cookie_domain: Some("example.org".into()),
        ..Default::default()
    };
    refused(elsewhere, "cookie_domain");
}
