//! Storage traits, one per capability. `gatehouse-store` implements them for
//! SQLite and PostgreSQL; the flows only ever see these traits.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::account::Email;
use crate::account::{NewUser, Role, User, UserId, Username};
use crate::api_key::ApiKey;
use crate::audit::{AuditEvent, AuditQuery};
use crate::crypto::TokenDigest;
use crate::federation::{UpstreamLink, UpstreamProvider};
use crate::lifecycle::{EmailToken, EmailTokenKind};
use crate::mfa::{MfaChallenge, TotpRecord, WebauthnCeremony, WebauthnCredential};
use crate::oauth::{AuthorizationCode, Consent, OAuthClient, Redemption};
use crate::rbac::RoleDef;
use crate::session::{RefreshRecord, Rotation, Session, SessionId};
use crate::token::StoredKey;

/// Which rule of the schema a write broke. The list is closed: the store
/// maps its backend's constraint names to it, so the domain never reads a
/// database's index name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// A username taken (case-insensitively).
    Username,
    /// An email address taken (case-insensitively).
    Email,
    /// A referenced row does not exist (a foreign key), e.g. a role given
    /// to a user after it was deleted.
    MissingReference,
    /// A role name taken.
    RoleName,
    /// A passkey credential id registered already (by anyone).
    CredentialId,
    /// An upstream provider id taken.
    UpstreamId,
    /// An upstream identity linked already.
    UpstreamLink,
    /// An OAuth client id taken.
    ClientId,
    /// A random secret's digest met its twin (a refresh token, an MFA
    /// challenge, an email link, an authorization code, an API key, a backup
    /// code of the same user): in practice never, but not silently.
    SecretDigest,
    /// A rule the store does not name (the store logs its name).
    Unlisted,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated: {0:?}")]
    Conflict(Constraint),
    /// The database failed; the message is for the log.
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user; a taken username or email is `Conflict`.
    async fn insert_user(&self, user: &NewUser) -> StoreResult<User>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    /// Finds by username or email, case-insensitively.
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    /// Users matching `filter`, ordered by creation, `limit`/`offset` paginated.
    async fn list_users(&self, filter: &UserFilter, limit: u32, offset: u32) -> StoreResult<Vec<User>>;
    /// Sets a new password hash and clears `password_reset_required`.
    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &crate::password::StoredHash,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Replaces the user's roles. A role that does not exist is
    /// `Conflict(MissingReference)`.
    async fn set_roles(&self, id: UserId, roles: &[Role], now: OffsetDateTime) -> StoreResult<()>;
    /// Gives one role; `false` when the user already had it. A role that does
    /// not exist is `Conflict(MissingReference)`.
    async fn grant_role(&self, id: UserId, role: &Role, now: OffsetDateTime) -> StoreResult<bool>;
    /// Takes one role away; `false` when the user did not have it.
    async fn revoke_role(&self, id: UserId, role: &Role, now: OffsetDateTime) -> StoreResult<bool>;
    /// Changes username, email and whether the email is verified at once; a
    /// taken username or email is `Conflict`.
    async fn update_profile(&self, id: UserId, profile: &Profile, now: OffsetDateTime) -> StoreResult<()>;
    async fn set_password_reset_required(&self, id: UserId, required: bool, now: OffsetDateTime) -> StoreResult<()>;
    async fn set_active(&self, id: UserId, active: bool, now: OffsetDateTime) -> StoreResult<()>;
    /// Sets the language the user's mails are in (`None`: the default).
    async fn set_locale(
        &self,
        id: UserId,
        locale: Option<&crate::i18n::Locale>,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Atomically adds one to the consecutive failure count and returns the
    /// new count — which starts again from one when the last failure came
    /// before `forget_before`.
    async fn record_login_failure(
        &self,
        id: UserId,
        now: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> StoreResult<u32>;
    async fn set_locked_until(&self, id: UserId, until: Option<OffsetDateTime>) -> StoreResult<()>;
    /// Clears the failure count and any lock.
    async fn clear_login_failures(&self, id: UserId) -> StoreResult<()>;
    /// [`UserStore::record_login_failure`] for a login name no account has,
    /// by its digest ([`crate::account::LoginName::digest`]), so that such a
    /// name locks as an account would.
    async fn record_name_failure(
        &self,
        name: &[u8],
        now: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> StoreResult<u32>;
    async fn set_name_locked_until(&self, name: &[u8], until: OffsetDateTime) -> StoreResult<()>;
    /// Until when a login name no account has is locked, if it ever was.
    async fn name_locked_until(&self, name: &[u8]) -> StoreResult<Option<OffsetDateTime>>;
}

/// Which users [`UserStore::list_users`] returns.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// A part of the username or email, case-insensitively.
    pub search: Option<String>,
    /// Only holders of this role.
    pub role: Option<Role>,
    /// Only active (`true`) or only disabled (`false`) accounts.
    pub active: Option<bool>,
}

/// A user's names, as [`UserStore::update_profile`] writes them.
#[derive(Clone, Debug)]
pub struct Profile {
    pub username: Username,
    pub email: Email,
    pub email_verified: bool,
}

#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Every role, by name.
    async fn roles(&self) -> StoreResult<Vec<RoleDef>>;
    async fn role(&self, name: &Role) -> StoreResult<Option<RoleDef>>;
    /// A taken name is `Conflict(RoleName)`.
    async fn insert_role(&self, role: &RoleDef) -> StoreResult<()>;
    /// Replaces the description and permissions; `false` if there is no such role.
    async fn update_role(&self, role: &RoleDef) -> StoreResult<bool>;
    /// Deletes the role and takes it from everyone holding it; `false` if
    /// there was no such role.
    async fn delete_role(&self, name: &Role) -> StoreResult<bool>;
    /// How many users hold the role (only active accounts when `active_only`).
    async fn role_holders(&self, name: &Role, active_only: bool) -> StoreResult<u64>;
    /// How many active accounts hold the role, with those accounts held
    /// until the unit of work ends: a concurrent unit that changes one of
    /// them waits, then counts again (PostgreSQL `FOR UPDATE`; SQLite's
    /// units already write one at a time). For invariants such as "an
    /// active administrator is left".
    async fn lock_active_holders(&self, name: &Role) -> StoreResult<u64>;
    /// Creates the missing roles of `builtins` and adds the permissions each
    /// lacks; never takes a permission away.
    async fn sync_builtin_roles(&self, builtins: &[RoleDef]) -> StoreResult<()>;
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// The key with this digest, whatever its state.
    async fn api_key_by_digest(&self, digest: &TokenDigest) -> StoreResult<Option<ApiKey>>;
    /// A user's keys, revoked ones too, newest first.
    async fn api_keys(&self, user: UserId) -> StoreResult<Vec<ApiKey>>;
    /// Revokes one of the user's keys; `false` if it had no such live key.
    async fn revoke_api_key(&self, user: UserId, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool>;
    /// Revokes every live key of the user; returns how many.
    async fn revoke_user_api_keys(&self, user: UserId, now: OffsetDateTime) -> StoreResult<u64>;
    /// Records a use: when and from where (`None` keeps the last address).
    async fn touch_api_key(&self, id: uuid::Uuid, now: OffsetDateTime, ip: Option<&str>) -> StoreResult<()>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Creates a session and the first refresh token of its chain, in one transaction.
    async fn create_session(&self, session: &Session, first: &RefreshRecord) -> StoreResult<()>;
    async fn session(&self, id: SessionId) -> StoreResult<Option<Session>>;
    /// The refresh token with this digest, with its session.
    async fn refresh_by_digest(&self, digest: &TokenDigest) -> StoreResult<Option<(RefreshRecord, Session)>>;
    /// The token that replaced `parent`, if any.
    async fn refresh_successor(&self, parent: uuid::Uuid) -> StoreResult<Option<RefreshRecord>>;
    /// Spends `old_digest` and inserts its successor, in one transaction, only if
    /// the old token is unspent. Returns `true` for the single winner; every
    /// concurrent caller with the same old token gets `false`.
    async fn rotate_refresh(&self, rotation: &Rotation) -> StoreResult<bool>;
    /// Active sessions of a user, newest first.
    async fn active_sessions(&self, user: UserId, now: OffsetDateTime) -> StoreResult<Vec<Session>>;
    /// Revokes one session. Returns whether it was active before.
    async fn revoke_session(&self, id: SessionId, now: OffsetDateTime) -> StoreResult<bool>;
    /// Records a fresh proof of identity in a session (step-up): sets its
    /// `auth_time` and `amr`.
    async fn reauthenticated(&self, id: SessionId, amr: &crate::amr::Amr, at: OffsetDateTime) -> StoreResult<()>;
    /// Revokes every session of a user; returns how many were active.
    async fn revoke_user_sessions(&self, user: UserId, now: OffsetDateTime) -> StoreResult<u64>;
    /// Marks a session used: sets `last_used_at` and pushes `idle_expires_at`.
    async fn touch_session(
        &self,
        id: SessionId,
        now: OffsetDateTime,
        idle_expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Marks many sessions used, in one transaction (a node's uses of the
    /// last moments, written together: see `LiveSessions::flush_uses`).
    async fn touch_sessions(&self, uses: &[crate::session::SessionUse]) -> StoreResult<()>;
    /// Revokes the user's active OAuth sessions of one client; returns how many.
    async fn revoke_client_sessions(&self, user: UserId, client_id: &str, now: OffsetDateTime) -> StoreResult<u64>;
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Keys still published (next, current and previous), newest first.
    async fn published_keys(&self) -> StoreResult<Vec<StoredKey>>;
    /// Every key including retired ones, newest first.
    async fn all_keys(&self) -> StoreResult<Vec<StoredKey>>;
    /// In one transaction, among the keys of `new`'s algorithm: previous keys
    /// are retired, the current becomes previous and `new` becomes current.
    /// Keys of other algorithms are untouched (each algorithm has its own
    /// current key: access tokens use one, ID tokens default to RS256).
    ///
    /// A previous key is retired only if it stopped signing more than
    /// `keep_for` (the longest lifetime of a token it signed) before `new`
    /// was made; otherwise it stays published beside the others.
    async fn rotate_in(&self, new: &StoredKey, keep_for: std::time::Duration) -> StoreResult<()>;
    /// Publishes `next` ahead of use, as next: it verifies but does not sign
    /// until [`KeyStore::promote`]d. An algorithm has at most one next key:
    /// `false` (nothing stored) when it has one already — another node
    /// published it first.
    async fn prepublish(&self, next: &StoredKey) -> StoreResult<bool>;
    /// Makes the next key `kid` current at `now`, in one transaction and with
    /// the same shifts and `keep_for` as [`KeyStore::rotate_in`]; `false`
    /// (nothing changed) when `kid` is not a next key — another node made it
    /// current first.
    async fn promote(&self, kid: &str, now: OffsetDateTime, keep_for: std::time::Duration) -> StoreResult<bool>;
    /// A key the server keeps for itself, sealed under the master key (see
    /// [`SealedOwner::Kept`]), by name.
    async fn kept_secret(&self, name: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Stores `sealed` as `name` unless that name is taken — another node
    /// stored its own at the same moment; returns what is stored now.
    async fn keep_secret(&self, name: &str, sealed: &[u8], now: OffsetDateTime) -> StoreResult<Vec<u8>>;
}

/// What a value sealed under the master key belongs to; the context it was
/// sealed with follows from it (`flows::parts::master_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealedOwner {
    /// A signing key's private part, by kid.
    SigningKey(String),
    /// A user's TOTP secret (set up or waiting for its first code).
    Totp(UserId),
    /// An upstream identity provider's client secret, by provider id.
    Upstream(String),
    /// A key the server keeps for itself, by name (the backup codes' key).
    Kept(String),
}

/// How many sealed values [`Store::reseal_all`] replaced, by owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resealed {
    pub signing_keys: u64,
    pub totp_secrets: u64,
    pub upstream_secrets: u64,
    pub kept_secrets: u64,
}

/// Turns one sealed value into its replacement (see [`Store::reseal_all`]).
pub type Resealer<'a> = dyn Fn(&SealedOwner, &[u8]) -> crate::error::Result<Vec<u8>> + Send + Sync + 'a;

/// Something a process changed that a node may have cached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The signing keys (a rotation).
    Keys,
    /// One OAuth client (deleted or updated).
    Client(String),
    /// One session: ended, or its sign-in facts (`amr`, `auth_time`) changed.
    Session(SessionId),
    /// Every session of one user ended at once (sign out everywhere).
    SessionsOf(UserId),
    /// One user: what they are (name, address, password, active, roles), or
    /// deleted.
    User(UserId),
    /// One user's second factors: a TOTP secret enabled or removed, backup
    /// codes made or used, a passkey added or removed.
    Factors(UserId),
    /// The roles' definitions: what any user's roles grant may have changed.
    Roles,
    /// The feed lost its connection: notices may have been missed, so
    /// everything cached should be read again.
    Missed,
}

/// Hears the changes this process makes through the store, synchronously,
/// once they are durable: a write on its own as soon as it is done, the
/// writes of a unit of work when it commits (see [`Store::observe_changes`]).
pub trait ChangeObserver: Send + Sync {
    fn changed(&self, change: &Change);
}

/// The feed of [`Change`]s (see [`Store::watch_changes`]).
pub type Changes = tokio::sync::mpsc::UnboundedReceiver<Change>;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Newest first.
    async fn query(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEvent>>;
}

#[async_trait]
pub trait MfaStore: Send + Sync {
    async fn totp(&self, user: UserId) -> StoreResult<Option<TotpRecord>>;
    /// Inserts or replaces a *pending* (not yet enabled) TOTP secret. Returns
    /// `false` and changes nothing when an enabled secret exists.
    async fn put_pending_totp(&self, user: UserId, sealed: &[u8], now: OffsetDateTime) -> StoreResult<bool>;
    /// Enables the pending secret and records `step` as used. `false` when
    /// there is no pending secret.
    async fn enable_totp(&self, user: UserId, step: i64, now: OffsetDateTime) -> StoreResult<bool>;
    /// Atomically records `step` as used when it is later than the last used
    /// step of an enabled secret. `false` means replay (or no enabled secret).
    async fn use_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool>;
    /// Removes the secret; returns whether there was one.
    async fn delete_totp(&self, user: UserId) -> StoreResult<bool>;
    /// Replaces every backup code of the user, in one transaction.
    async fn replace_backup_codes(&self, user: UserId, digests: &[TokenDigest], now: OffsetDateTime)
        -> StoreResult<()>;
    /// Marks an unused code as used; `false` when there is no such unused code.
    async fn use_backup_code(&self, user: UserId, digest: &TokenDigest, now: OffsetDateTime) -> StoreResult<bool>;
    async fn backup_codes_remaining(&self, user: UserId) -> StoreResult<u32>;
    /// Which second factors the user has — an enabled TOTP secret, passkeys,
    /// unused backup codes — in one round trip (every password sign-in asks).
    async fn second_factors(&self, user: UserId) -> StoreResult<crate::mfa::MfaStatus>;
    /// Up to `limit` backup codes still stored as plain SHA-256 digests
    /// (before codes were keyed): their ids and digests.
    async fn unkeyed_backup_codes(&self, limit: u32) -> StoreResult<Vec<(uuid::Uuid, TokenDigest)>>;
    /// Replaces a plain digest by its keyed form, if the row still holds
    /// `plain` unkeyed; returns whether it did.
    async fn rekey_backup_code(&self, id: uuid::Uuid, plain: &TokenDigest, keyed: &TokenDigest) -> StoreResult<bool>;
    async fn delete_backup_codes(&self, user: UserId) -> StoreResult<()>;
    async fn create_mfa_challenge(&self, challenge: &MfaChallenge) -> StoreResult<()>;
    async fn mfa_challenge(&self, digest: &TokenDigest) -> StoreResult<Option<MfaChallenge>>;
    /// Adds one failed attempt; returns the new count.
    async fn fail_mfa_challenge(&self, id: uuid::Uuid) -> StoreResult<u32>;
    /// Marks the challenge used if it is unused and unexpired at `now`;
    /// `true` for the single winner.
    async fn consume_mfa_challenge(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool>;
}

#[async_trait]
pub trait WebauthnStore: Send + Sync {
    /// Adds a credential; a credential id already registered (by anyone) is
    /// `Conflict(CredentialId)`.
    async fn add_webauthn_credential(&self, credential: &WebauthnCredential) -> StoreResult<()>;
    /// A user's credentials, oldest first.
    async fn webauthn_credentials(&self, user: UserId) -> StoreResult<Vec<WebauthnCredential>>;
    async fn webauthn_credential_by_credential_id(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<WebauthnCredential>>;
    /// Stores the updated passkey (counter, backup state) and the time of use.
    async fn update_webauthn_credential(
        &self,
        id: uuid::Uuid,
        passkey: &str,
        used_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Renames one of the user's credentials; `false` if the user has no such credential.
    async fn rename_webauthn_credential(&self, user: UserId, id: uuid::Uuid, name: &str) -> StoreResult<bool>;
    /// Deletes one of the user's credentials; `false` if the user has no such credential.
    async fn delete_webauthn_credential(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool>;
    async fn create_webauthn_ceremony(&self, ceremony: &WebauthnCeremony) -> StoreResult<()>;
    /// Deletes the ceremony and returns it if it had not expired at `now`
    /// (single use: of concurrent callers only one gets it).
    async fn take_webauthn_ceremony(
        &self,
        id: uuid::Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<Option<WebauthnCeremony>>;
}

#[async_trait]
pub trait LifecycleStore: Send + Sync {
    /// Stores a new single-use token and, in the same transaction, marks every
    /// earlier unused token of the same user and kind as used (superseded).
    async fn issue_email_token(&self, token: &EmailToken) -> StoreResult<()>;
    /// The token with this digest, whatever its state.
    async fn email_token(&self, digest: &TokenDigest) -> StoreResult<Option<EmailToken>>;
    /// Marks the token used if it is unused and unexpired at `now`; `true` for
    /// the single winner.
    async fn consume_email_token(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool>;
    /// Marks every unused token of the user and kind as used.
    async fn revoke_email_tokens(&self, user: UserId, kind: EmailTokenKind, now: OffsetDateTime) -> StoreResult<()>;
    async fn set_email_verified(&self, user: UserId, verified: bool, now: OffsetDateTime) -> StoreResult<()>;
    /// Changes the address (and marks it verified); a taken address is `Conflict(Email)`.
    async fn set_email(&self, user: UserId, email: &Email, now: OffsetDateTime) -> StoreResult<()>;
    /// Deletes the user and everything that is theirs (sessions, tokens,
    /// factors), and anonymises their audit records (ip and user agent
    /// cleared, actor/subject kept as the bare id). Returns whether the user existed.
    async fn delete_user(&self, user: UserId) -> StoreResult<bool>;
}

#[async_trait]
pub trait ClientStore: Send + Sync {
    async fn insert_client(&self, client: &OAuthClient) -> StoreResult<()>;
    async fn client(&self, id: &str) -> StoreResult<Option<OAuthClient>>;
    /// Oldest first.
    async fn list_clients(&self) -> StoreResult<Vec<OAuthClient>>;
    /// Replaces what may change of a client (everything but its id, kind,
    /// authentication method and creation time). `false` if there is none.
    async fn update_client(&self, client: &OAuthClient) -> StoreResult<bool>;
    /// Deletes the client with its codes, consents and sessions (their tokens
    /// stop working). Returns whether there was such a client.
    async fn delete_client(&self, id: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait OAuthStore: Send + Sync {
    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> StoreResult<()>;
    /// Marks the code redeemed by `client_id` at `now` if it was not; of
    /// concurrent callers exactly one gets `Won`, the others `Replayed`. A
    /// code of another client is left as it was (`OtherClient`).
    async fn redeem_authorization_code(
        &self,
        digest: &TokenDigest,
        client_id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Redemption>;
    async fn consent(&self, user: UserId, client_id: &str) -> StoreResult<Option<Consent>>;
    /// Inserts or replaces the user's consent for that client.
    async fn put_consent(&self, consent: &Consent) -> StoreResult<()>;
    /// The user's consents, newest first.
    async fn consents(&self, user: UserId) -> StoreResult<Vec<Consent>>;
    /// Returns whether there was one.
    async fn delete_consent(&self, user: UserId, client_id: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait FederationStore: Send + Sync {
    /// A taken id is `Conflict(UpstreamId)`.
    async fn insert_upstream(&self, provider: &UpstreamProvider) -> StoreResult<()>;
    async fn upstream(&self, id: &str) -> StoreResult<Option<UpstreamProvider>>;
    /// Oldest first.
    async fn list_upstreams(&self) -> StoreResult<Vec<UpstreamProvider>>;
    /// Deletes the provider and its links. Returns whether there was one.
    async fn delete_upstream(&self, id: &str) -> StoreResult<bool>;
    async fn upstream_link(&self, provider_id: &str, subject: &str) -> StoreResult<Option<UpstreamLink>>;
    /// An identity already linked is `Conflict(UpstreamLink)`.
    async fn insert_upstream_link(&self, link: &UpstreamLink) -> StoreResult<()>;
    /// A user's links, oldest first.
    async fn upstream_links(&self, user: UserId) -> StoreResult<Vec<UpstreamLink>>;
    /// Deletes the user's links made from an unverified address; returns how many.
    async fn drop_unverified_upstream_links(&self, user: UserId) -> StoreResult<u64>;
}

/// Every capability of the store, as [`Store`] offers them and as a unit of
/// work ([`StoreTx`]) offers them inside one transaction.
pub trait Capabilities:
    UserStore
    + SessionStore
    + KeyStore
    + AuditStore
    + MfaStore
    + WebauthnStore
    + LifecycleStore
    + ClientStore
    + OAuthStore
    + FederationStore
    + RoleStore
    + ApiKeyStore
{
}

impl<T> Capabilities for T where
    T: ?Sized
        + UserStore
        + SessionStore
        + KeyStore
        + AuditStore
        + MfaStore
        + WebauthnStore
        + LifecycleStore
        + ClientStore
        + OAuthStore
        + FederationStore
        + RoleStore
        + ApiKeyStore
{
}

/// A unit of work: every capability of the store over one database
/// transaction (see [`Store::begin`]). Its writes become visible together at
/// [`StoreTx::commit`]; dropped uncommitted, it writes nothing.
///
/// A step that fails ends the unit: return its error and drop the unit
/// (PostgreSQL refuses every further statement of a failed transaction, and
/// a commit after a failed statement is reported as an error, never as a
/// silent rollback).
///
/// While a unit is open on SQLite it holds the database's write lock: do
/// slow work (password hashing, network calls) before [`Store::begin`], and
/// never write through the [`Store`] itself until the unit has ended.
#[async_trait]
pub trait StoreTx: Capabilities {
    /// Makes every write of the unit durable at once.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Everything Gatehouse persists.
#[async_trait]
pub trait Store: Capabilities {
    /// Opens a unit of work (see [`StoreTx`]).
    async fn begin(&self) -> StoreResult<Box<dyn StoreTx>>;
    /// Cheap round trip to the database (for `/readyz`).
    async fn ping(&self) -> StoreResult<()>;
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// Writes a consistent copy of the whole database to a new file at
    /// `path` while the server keeps running (SQLite `VACUUM INTO`). `false`
    /// when the backend has its own tools for this (PostgreSQL: `pg_dump`).
    async fn backup_into(&self, path: &str) -> StoreResult<bool>;
    /// Deletes what has expired (see [`crate::retention`]) in one
    /// transaction. On PostgreSQL the purge holds an advisory lock: when
    /// another node is purging at this moment it returns `None` and deletes
    /// nothing, so several nodes never do the work twice.
    async fn purge(&self, request: crate::retention::PurgeRequest) -> StoreResult<Option<crate::retention::Purged>>;
    /// Replaces every value sealed under the master key with what
    /// `reseal` makes of it, in one transaction that keeps other writers of
    /// those rows out until it ends (PostgreSQL: table locks; SQLite: its
    /// write lock). The first error ends it and nothing is written.
    async fn reseal_all(&self, reseal: &Resealer<'_>) -> crate::error::Result<Resealed>;
    /// A feed of changes made by other processes (PostgreSQL: `LISTEN
    /// gatehouse_changes`, fed by triggers). `None` when the backend has no
    /// such channel; a node then relies on its periodic key reload, on
    /// reloading for an unknown `kid`, and on the client cache's short life.
    async fn watch_changes(&self) -> StoreResult<Option<Changes>> {
        Ok(None)
    }
    /// Tells `observer` of every change this process makes through this
    /// store — and through the units of work it begins — that a cache of
    /// sessions, users or roles must hear at once ([`Change::Session`],
    /// [`Change::SessionsOf`], [`Change::User`], [`Change::Factors`],
    /// [`Change::Roles`]). Other
    /// processes' changes arrive through [`Store::watch_changes`]. The store
    /// holds the observer weakly (it usually holds the store): the caller
    /// keeps it alive.
    fn observe_changes(&self, observer: std::sync::Arc<dyn ChangeObserver>) {
        let _ = observer;
    }
}
