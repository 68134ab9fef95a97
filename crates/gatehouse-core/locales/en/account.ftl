# The account pages: /account (profile, email address, password, two-step
# verification, passkeys, sessions, connected apps), the authenticator app's
# setup, the backup codes, and the messages of passkey.js and
# backup_codes.js. The session rows, device names and the "Form expired"
# page are shared with the admin pages.

## /account: the page

account-title = Your account
account-admin-link = Administration
account-log-out = Log out
# Above the list of errors of a form that was refused.
account-nothing-changed = Nothing was changed:
account-enrol-only = Your account needs two-step verification. Set up an authenticator app below before you do anything else.
account-enrol-only-or-passkey = Your account needs two-step verification. Set up an authenticator app or add a passkey below before you do anything else.
account-current-password = Current password
# A table's column of buttons, read by screen readers only.
account-actions = Actions
# A device or IP address the page does not know.
account-unknown = unknown

## Notices after an action.

account-done-verification-sent = We sent the link again. Check your inbox.
account-done-email = We sent a link to the new address. Follow it to finish the change.
account-done-password = Your password was changed. Every other session was logged out.
account-done-totp-on = Two-step verification is on.
account-done-totp-off = The authenticator app is turned off.
account-done-passkey-added = Passkey added.
account-done-passkey-renamed = Passkey renamed.
account-done-passkey-removed = Passkey removed.
account-done-session-ended = That session is logged out.
account-done-app-removed = The app can no longer use your account.

## Profile

account-profile = Profile
account-email = Email
# A badge beside the address.
account-email-verified = verified
account-email-not-verified = not verified
account-member-since = Member since
# $email: the account's address
account-verify-hint = Follow the link we mailed to { $email } to verify it.
account-verify-resend = Send the link again

## Email address

account-email-heading = Email address
account-email-hint = We send a link to the new address; your address changes when you follow it.
account-email-new = New email address
account-email-submit = Change email address

## Password

account-password-heading = Password
account-password-new = New password
# $min: the fewest characters a password may have
account-password-new-hint = { $min ->
    [one] At least 1 character.
   *[other] At least { $min } characters.
} A few unrelated words make a strong password.
account-password-confirm = Confirm the new password
# A checkbox, ticked by default. $count: how many API keys the person has
account-revoke-api-keys = { $count ->
    [one] Also revoke my 1 API key
   *[other] Also revoke my { $count } API keys
}
account-password-submit = Change password
account-password-note = You stay signed in here; every other session is logged out.
account-password-note-api-keys = You stay signed in here; every other session is logged out, and the API keys you made stop working unless you untick the box.

## Two-step verification

account-two-step-heading = Two-step verification
account-totp = Authenticator app
# A badge: the authenticator app is on / off.
account-totp-on = on
account-totp-off = off
account-backup-codes-left = Backup codes left
account-totp-off-confirm-hint = Confirm it is you to turn the app off.
account-totp-turn-off = Turn off the authenticator app
account-totp-intro = Sign in with a code from an app on your phone as well as your password.
account-totp-set-up = Set up an authenticator app
account-codes-hint = Backup codes let you sign in if you lose your phone or security key. New codes replace the old ones.
account-codes-confirm-hint = Confirm it is you to get new codes.
account-codes-new = New backup codes

## Passkeys

account-passkeys-heading = Passkeys
account-passkey-name = Name
# When the passkey was added (a column heading).
account-passkey-added = Added
account-passkey-last-used = Last used
# A passkey that was never used.
account-passkey-never = never
account-passkey-rename = Rename
account-passkey-new-name = New name
account-passkey-save = Save
account-passkey-remove = Remove
account-passkeys-none = No passkeys yet. A passkey signs you in with your fingerprint, face or screen lock, or a security key.
account-passkey-name-placeholder = e.g. Laptop
account-passkey-add = Add a passkey
account-passkey-needs-javascript = Adding a passkey needs JavaScript.

## Sessions

account-sessions-heading = Where you are signed in
account-session-kind = Kind
account-session-device = Device
account-session-ip = IP address
account-session-signed-in = Signed in
account-session-last-active = Last active
# A badge on the session of the browser looking at the page.
account-session-this-browser = this browser
account-log-out-everywhere = Log out everywhere
account-log-out-everywhere-note = Ends every session, this one included.
account-log-out-everywhere-note-api-keys = Ends every session, this one included, and — unless you untick the box — your API keys.

## Connected apps

account-apps-heading = Connected apps
account-app = App
# What the app may do (its scopes).
account-app-access = Access
# When the person allowed the app.
account-app-allowed = Allowed
account-app-remove = Remove access
account-app-remove-hint = Removing access also signs the app out.
account-apps-none = No apps can use your account.

## A session's kind, in the account's and an administrator's list.

account-session-kind-browser = Browser
account-session-kind-api = API
# $app: the application's name (or its client id)
account-session-kind-app = App: { $app }

## A device, from its browser's user agent. $browser and $system are
## product names ("Chrome", "Linux", "iPhone").

account-device = { $browser } on { $system }
account-device-unknown-browser = A browser on { $system }

## Errors of the forms.

account-error-wrong-password = That password is not right.
account-error-confirm-password = Confirm it is you: enter your current password.
account-error-invalid-email = Enter a valid email address.
account-error-email-taken = An account with that address already exists.
account-error-wrong-code = That code is not right. Try again.
# The session ended after one wrong proof of presence too many.
account-error-logged-out = Too many wrong attempts: you are logged out. Log in again to go on.
account-error-totp-already-on = An authenticator app is already set up.
account-error-two-step-off = Two-step verification is not set up.
account-error-gone = That no longer exists. Reload the page.
account-error-disabled = This account is disabled.
account-error-internal = Something went wrong on our side. Try again.
account-error-enter-current-password = Enter your current password.
account-error-passwords-differ = The two new passwords are not the same.
account-error-same-address = That is already your address.
account-error-app-no-access = That app has no access to your account.
account-error-passkey-name = A name has at most 64 printable characters.
account-error-passkey-gone = That passkey no longer exists.
account-error-session-gone = That session has already ended.
account-error-totp-clock = That code is not right. Check that your device's clock is correct and try again.
account-error-totp-not-started = The setup was not started or has ended. Start it again.

## Pages with a single message.

account-enrol-first-title = Set up two-step verification first
account-enrol-first = Your account needs two-step verification before you can change anything else.
account-back = Back to your account
account-internal-title = Something went wrong
account-internal = Something went wrong on our side. Try again in a moment.
# A form of /account or /admin that failed the CSRF check.
account-form-expired-title = Form expired
account-form-expired = This form has expired or did not come from this site. Go back, reload the page and try again.

## Setting up an authenticator app

account-totp-title = Set up an authenticator app
account-totp-step-scan = Open an authenticator app on your phone and scan this QR code.
account-totp-step-code = Enter the 6-digit code the app shows.
account-totp-qr-alt = QR code for your authenticator app
account-totp-cant-scan = Can't scan it? Enter this key in the app instead:
account-totp-code = Code from the app
account-totp-turn-on = Turn on
account-totp-cancel = Cancel

## Backup codes, shown once

account-codes-on-title = Two-step verification is on
account-codes-new-title = New backup codes
account-codes-intro = These are your backup codes. Each one signs you in once if you cannot use your authenticator app or passkey.
account-codes-store = Store them somewhere safe now, such as a password manager: you will not see them again.
account-codes-still-work = Your existing backup codes still work.
account-codes-done = Done
account-codes-copy = Copy codes
account-codes-download = Download
# The first line of the downloaded file. $product: the product name
account-codes-file-heading = { $product } backup codes
# The downloaded file's name: no spaces. $product: the product name, in lower case with dashes
account-codes-file-name = { $product }-backup-codes.txt
account-codes-copied = Copied.
account-codes-copy-unavailable = Copying is not available here: select the codes instead.
account-codes-copy-refused = Copying was refused: select the codes instead.
account-codes-downloaded = Downloaded.

## passkey.js: adding a passkey here, and using one on /login and /mfa.

account-passkey-error = The passkey was not accepted. Try again.
account-passkey-error-cancelled = The passkey request was cancelled or timed out. Try again.
account-passkey-error-exists = This device already holds a passkey for your account.
account-passkey-error-page-expired = This page has expired. Reload it and try again.
account-passkey-error-too-slow = The sign-in took too long. Start again.
account-passkey-error-network = Cannot reach the server. Check your connection and try again.
# Shown in place after the account's first second factor, a passkey.
account-passkey-codes-intro = Passkey added. These are your backup codes. Each one signs you in once if you cannot use your passkey.
