# The administration console (/admin): users, roles, OAuth clients,
# upstream providers, signing keys and the audit log. Role names, permission
# names (users:read), client ids, scopes and audit event codes (user.login)
# are codes: they stay as they are.

## The frame: title bar, tabs, pager.

admin-your-account = Your account
admin-tabs-label = Administration
admin-tab-users = Users
admin-tab-roles = Roles
admin-tab-clients = OAuth clients
admin-tab-upstreams = Upstream providers
admin-tab-keys = Signing keys
admin-tab-audit = Audit log
admin-pager-label = Pages
admin-pager-previous = Previous
admin-pager-next = Next

## Words the pages share: table headings, badges, headings.

admin-col-username = Username
admin-col-email = Email
admin-col-verified = Verified
admin-col-roles = Roles
admin-col-role = Role
admin-col-status = Status
admin-col-created = Created
admin-col-updated = Updated
admin-col-registered = Registered
admin-col-id = Id
admin-col-name = Name
admin-col-description = Description
admin-col-permissions = Permissions
admin-col-kind = Kind
admin-col-device = Device
admin-col-ip-address = IP address
admin-col-ip = IP
admin-col-signed-in = Signed in
admin-col-last-active = Last active
admin-col-expires = Expires
admin-col-last-used = Last used
# Heard by screen readers only, above a column of buttons.
admin-col-actions = Actions
admin-col-time = Time
admin-col-event = Event
admin-col-outcome = Outcome
admin-col-actor = Actor
admin-col-subject = Subject
admin-col-client-id = Client id
admin-col-redirect-uris = Redirect URIs
admin-col-scopes = Scopes
admin-col-first-party = First party
# The "Sign in with …" button an upstream provider adds to the login page.
admin-col-button = Button
admin-col-upstream-redirect-uri = Redirect URI to register there
admin-col-key-id = Key id
admin-col-algorithm = Algorithm
admin-field-roles = Roles
admin-badge-verified = verified
admin-badge-not-verified = not verified
admin-badge-active = active
admin-badge-disabled = disabled
admin-badge-locked = locked
# $time: a date and time, e.g. 2026-01-31 12:00:00 UTC
admin-badge-locked-until = locked until { $time }
admin-badge-reset-required = new password required
# Beside the username on one's own user page.
admin-badge-you = you
admin-badge-built-in = built in
admin-badge-links-by-email = links by email
admin-outcome-success = success
admin-outcome-failure = failure
admin-none = none
admin-never = never
admin-unknown = unknown
admin-yes = yes
admin-no = no
admin-details-heading = Details
admin-edit-heading = Edit
admin-delete-heading = Delete
# A button: $name is a username, role or client name.
admin-delete-named = Delete { $name }
# A link to the page that asks before deleting.
admin-delete-named-ellipsis = Delete { $name }…

## Pages that refuse.

admin-not-allowed-title = Not allowed
admin-forbidden = Your roles do not allow this. Ask an administrator for the permission.
admin-not-admin = You need the admin role, or a role with an administration permission, to use these pages.
admin-enrol-first-title = Set up two-step verification first
admin-enrol-first = Your account needs two-step verification before you can use the administration pages.
admin-not-found-title = Not found
admin-gone = That no longer exists.
admin-no-such-user = There is no such user.
admin-no-such-session = There is no such session.
admin-session-already-ended = That session has already ended.
admin-no-such-key = There is no such API key.
admin-key-already-revoked = That API key is already revoked.
admin-no-such-role = There is no such role.
admin-no-such-upstream = There is no such provider.
admin-internal-title = Something went wrong
admin-internal = Something went wrong. Try again later.

## What the server refuses, under the field. Where a message has $detail,
## it is the server's own explanation in English (a sentence); a
## translation may instead say the rule in its own words and leave
## $detail out.

admin-error-username-taken = That username is already taken.
admin-error-email-taken = An account with that email already exists.
# $role: a role name. The API path and the command stay as they are.
admin-error-unknown-role = there is no role '{ $role }' (create it first: POST /api/admin/roles or gatehouse role create)
admin-error-role-exists = A role named '{ $role }' already exists.
admin-error-builtin-role = { $detail }
admin-error-invalid = { $detail }

## /admin/users

admin-users-title = Users
admin-users-deleted = The user is deleted, with everything they had here.
admin-users-search = Search users
admin-users-search-hint = Part of a username or email address
admin-users-search-submit = Search
# $query: what was searched for; $page: the page number
admin-users-caption-matching = Users matching “{ $query }”, page { $page }
admin-users-caption-all = All users, page { $page }
admin-users-none-matching = No user matches “{ $query }”.
admin-users-none = No users on this page.
admin-users-create-heading = Create a user
admin-users-email-placeholder = their.email@example.com
admin-users-password-hint = Leave empty to invite: they get a mail with a link to choose their own.
admin-users-roles-hint = Separate roles with commas or spaces; empty for the default roles.
admin-users-verified-check = The email address is known to be theirs (verified)
admin-users-create-submit = Create user
# $max: a number of characters
admin-roles-field-too-long = List at most { $max } characters of roles.
# $name: what was typed as a role name
admin-roles-field-invalid = “{ $name }” is not a valid role name: use lower-case letters, digits, “_”, “:” and “-”.

## /admin/users/{id}: one user

# $username: the user's username
admin-user-title = User { $username }
admin-user-created = The user is created.
admin-user-saved = The changes are saved.
admin-user-disabled = The account is disabled and its sessions have ended.
admin-user-enabled = The account is enabled.
admin-user-unlocked = The account is unlocked: failed sign-ins are forgotten.
admin-user-mfa-reset = The second factors are removed and every session has ended; the person was mailed a notice.
admin-user-mfa-unconfirmed = Tick the box to confirm you checked who asked, then reset again.
admin-user-reset-required = A new password is required: every session and API key has ended, and the person was mailed a link to choose one.
admin-user-roles-saved = Roles saved.
admin-user-session-ended = The session has ended.
admin-user-sessions-ended = Every session of this user has ended.
admin-user-key-revoked = The API key is revoked.
admin-user-self-disable = You cannot disable your own account.
admin-user-self-delete = You cannot delete your own account here; do it from your account page.
admin-user-last-admin = This is the last active administrator: give another account the admin role first.
admin-user-own-admin-role = You cannot remove your own admin role; ask another administrator.
admin-user-failed-logins = Failed sign-ins
admin-user-verified-check = The email address is verified
admin-user-save = Save changes
admin-user-access-heading = Access
admin-user-disable = Disable account
admin-user-enable = Enable account
admin-user-unlock = Unlock (forget failed sign-ins)
admin-user-disable-hint = Disabling an account ends its sessions; its owner cannot sign in until it is enabled again.
# A link, followed by admin-user-password-reset-about after a dash.
admin-user-password-reset-link = Demand a new password
admin-user-password-reset-about = for a suspected compromise: ends every session and API key and mails a link.
admin-user-factors-heading = Second factors
admin-user-factors-about = For a person who lost their phone and their backup codes: removes the authenticator app, the backup codes and the passkeys, and ends every session. They sign in with the password alone next and set up a second factor again.
# $username: the user's username
admin-user-factors-checked = I have checked that the person asking is { $username }
admin-user-factors-reset = Reset second factors
admin-user-roles-hint = Separate roles with commas or spaces, e.g. “admin, user”. Leave empty for no roles.
admin-user-roles-save = Save roles
admin-user-sessions-heading = Sessions
admin-user-session-end = End
admin-user-no-sessions = No active sessions.
admin-user-keys-heading = API keys
admin-user-key-revoke = Revoke
# $name: the API key's name
admin-user-key-revoke-named = Revoke { $name }
admin-user-no-keys = No API keys.
admin-user-events-heading = Recent events
admin-user-all-events = All events of this user
admin-user-no-events = No events yet.

## Confirmation pages

admin-confirm-cancel = Cancel
admin-confirm-password-reset-title = Demand a new password?
# $username, $email: the user's
admin-confirm-password-reset = { $username } will have to choose a new password before signing in with one again. Every session and API key of the account ends now, and a link to choose the password is mailed to { $email }.
admin-confirm-password-reset-button = Demand a new password
admin-confirm-delete-user-title = Delete this user?
admin-confirm-delete-user = { $username } ({ $email }) and everything the account has here — sessions, second factors, API keys, consents — are deleted. This cannot be undone; the audit log keeps its events.
admin-confirm-end-sessions-title = End every session?
admin-confirm-end-sessions = Every session of { $username } ends now: browsers, apps and the API. They can sign in again.
admin-confirm-end-sessions-button = End every session
admin-confirm-delete-role-title = Delete this role?
# $role: the role's name; $count: how many users hold it
admin-confirm-delete-role = { $count ->
    [0] The role { $role } is deleted. Nobody holds it.
    [one] The role { $role } is deleted and taken from the 1 user who holds it, with its permissions.
   *[other] The role { $role } is deleted and taken from the { $count } users who hold it, with its permissions.
}
admin-confirm-rotate-secret-title = Rotate the client secret?
# $client: the client's name
admin-confirm-rotate-secret = { $client } gets a new client secret, shown once on the next page. The old one stops working at once: the application signs no one in until it has the new one.
admin-confirm-rotate-secret-button = Rotate the secret
admin-confirm-delete-client-title = Delete this client?
# $client: the client's name; $id: its client id
admin-confirm-delete-client = { $client } ({ $id }) is deleted with its codes, consents and sessions: everyone signed in to it through Gatehouse is signed out of it. This cannot be undone.
admin-confirm-remove-upstream-title = Remove this provider?
# $provider: the provider's name ("Google")
admin-confirm-remove-upstream = “Sign in with { $provider }” leaves the login page. People who signed in only through it sign in with a password (or a reset link) instead.
admin-confirm-remove-upstream-button = Remove { $provider }
admin-confirm-rotate-keys-title = Rotate the signing keys?
admin-confirm-rotate-keys = New keys sign every token from now on. Tokens already issued keep working: the keys that signed them stay published until those tokens expire. Applications that cache the JWKS fetch it again when they meet the new key id.
admin-confirm-rotate-keys-button = Rotate the keys

## /admin/roles

admin-roles-title = Roles
# $role: the role's name
admin-role-title = Role { $role }
admin-role-created = The role is created.
admin-role-saved = The role is saved; everyone who holds it has its new permissions now.
admin-role-deleted = The role is deleted.
admin-roles-create-heading = Create a role
admin-roles-name-hint = Lower-case letters, digits, “_”, “:” and “-”, e.g. support
admin-roles-create-submit = Create role
# $max: a number of characters
admin-role-description-too-long = Describe the role in at most { $max } characters on one line.
admin-role-error-name = { $detail }
admin-role-error-permissions = { $detail }
admin-role-held-by = Held by
admin-role-holders = { $count ->
    [one] 1 user
   *[other] { $count } users
}
admin-role-save = Save role
admin-role-save-hint = Everyone who holds the role gets its new permissions at once.
admin-permissions-legend = Gatehouse permissions
admin-permissions-other = Your applications' permissions
admin-permissions-other-hint = Separated by spaces or commas, each resource:action, e.g. posts:read posts:write

## What each of Gatehouse's permissions allows (admin-permission-<name>,
## the name's ":" as "-").

admin-permission-users-read = List and read users, their sessions and API keys
admin-permission-users-write = Create and update users: disable, enable, unlock, force a password reset, end sessions, revoke API keys
admin-permission-users-delete = Delete users
admin-permission-roles-read = List and read roles and the permission catalog
admin-permission-roles-write = Create, change and delete roles
admin-permission-roles-assign = Give roles to users and take them away
admin-permission-clients-read = List and read OAuth clients
admin-permission-clients-write = Register, change and delete OAuth clients, rotate their secrets
admin-permission-keys-read = List the signing keys
admin-permission-keys-rotate = Rotate the signing keys
admin-permission-audit-read = Read the audit log

## /admin/clients

admin-clients-title = OAuth clients
# $client: the client's name
admin-client-title = Client { $client }
admin-client-deleted = The client is deleted, with its codes, consents and sessions.
admin-client-missing = That client does not exist (any more).
admin-client-saved = The client is saved.
admin-client-kind-confidential = confidential
admin-client-kind-public = public
# Followed by the client id.
admin-clients-created = Client “{ $client }” is registered. Its client id is
admin-clients-copy-secret = Copy the secret now; it is not shown again.
admin-clients-created-public = A public client has no secret; it must use PKCE.
admin-clients-registered-heading = Registered clients
admin-clients-none = No clients are registered.
admin-clients-register-heading = Register a client
admin-clients-kind-hint = Confidential: a server-side application that keeps a secret. Public: a single-page or native app (no secret, PKCE).
admin-clients-register-submit = Register client
admin-client-new-secret = The new secret of “{ $client }”.
admin-client-copy-secret = Copy it now; it is not shown again.
admin-client-old-secret-gone = The old one no longer works.
admin-client-public-note = (no secret; PKCE)
admin-client-first-party-yes = yes (no consent page)
admin-client-save = Save client
admin-client-danger-heading = Secret and deletion
admin-client-rotate-link = Rotate the secret…
admin-client-name-hint = Shown to people on the consent page.
admin-client-redirect-uris-hint = One per line; https, or http on localhost only.
admin-client-scopes-hint = Separated by spaces; empty for “openid profile email”.
admin-client-first-party-check = First party (your own application: no consent page)
admin-client-error-kind = Choose confidential or public.
admin-client-error-name = Give the client a name of 1 to 100 characters.
admin-client-error-no-redirect-uri = Add at least one redirect URI.
# $max: a number
admin-client-error-too-many-redirect-uris = List at most { $max } redirect URIs.
admin-client-error-redirect-uri = { $detail }
admin-client-error-scopes = { $detail }
admin-client-error-request = { $detail }
admin-client-error-unchecked = This value cannot be checked now. Try again later.

## /admin/upstreams

admin-upstreams-title = Upstream providers
admin-upstreams-added = The provider is added: its button is on the login page now.
admin-upstreams-removed = The provider is removed: its button is gone from the login page.
admin-upstreams-preset-oidc = Another OpenID Connect provider (its issuer URL)
# $provider: the provider's name ("Google"); as on the login page
admin-upstreams-sign-in-with = Sign in with { $provider }
admin-upstreams-remove-link = Remove…
admin-upstreams-none = No upstream providers: people sign in with a password or a passkey.
admin-upstreams-add-heading = Add a provider
admin-upstreams-field-provider = Provider
admin-upstreams-id-hint = In the provider's URLs: a-z, 0-9 and “-”, e.g. google
admin-upstreams-field-name = Button name
admin-upstreams-name-hint = “Sign in with …”; empty for the provider's own name.
admin-upstreams-field-issuer = Issuer URL
admin-upstreams-issuer-hint = For another OpenID Connect provider only, e.g. https://login.example.com
admin-upstreams-field-secret = Client secret
admin-upstreams-secret-hint = Sealed with the master key; never shown again.
admin-upstreams-link-by-email = Link to an existing account with the same verified email address (trusts the provider with those accounts)
# Around the redirect URI (a code): "At the provider, register <uri> as the redirect URI, with the id above."
admin-upstreams-register-at = At the provider, register
admin-upstreams-register-as = as the redirect URI, with the id above.
admin-upstreams-add-submit = Add provider
admin-upstreams-error = { $detail }

## /admin/keys

admin-keys-title = Signing keys
admin-keys-rotated = New signing keys sign from now on; the previous ones still verify the tokens they signed.
# Followed by the address of the JWKS.
admin-keys-lead = The keys that sign access and ID tokens, newest first. Applications find the public ones at
admin-keys-status-next = next
admin-keys-status-current = current
admin-keys-status-previous = previous
admin-keys-status-retired = retired
# $status: the key's status in words (admin-keys-status-current)
admin-keys-signs = { $status }: signs
admin-keys-rotate-link = Rotate the keys…

## /admin/audit

admin-audit-title = Audit log
admin-audit-filters-label = Filter the audit log
admin-audit-field-user = User
admin-audit-user-hint = Username, email or id
admin-audit-all-events = All events
admin-audit-any-outcome = Any
admin-audit-field-from = From (UTC)
admin-audit-field-to = To (UTC)
admin-audit-filter-submit = Filter
# $page: the page number
admin-audit-caption = Newest first, page { $page }
admin-audit-none = No events match these filters.
admin-audit-error-user = No user has this username, email or id.
admin-audit-error-kind = Choose an event from the list.
admin-audit-error-outcome = Choose success or failure.
admin-audit-error-time = Enter a date and time, e.g. 2026-01-31T12:00.
admin-audit-error-range = The end of the range must be after its start.

## A client's home page and logo (login and consent pages)

admin-col-client-uri = Home page
admin-col-logo-uri = Logo
admin-client-client-uri-hint = Linked from the consent page; https, or http on localhost only.
admin-client-logo-uri-hint = An image shown on the login and consent pages; https, or http on localhost only.
# $detail: the core's own reason, in English
admin-client-error-page-uri = { $detail }

admin-users-locale = Language of the mails
admin-users-locale-hint = The invitation and every later mail to this account are in this language.
