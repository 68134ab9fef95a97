# The sign-in pages: log in, second step, sign up, forgotten password,
# new password, email confirmation, consent, log out.

## /login

login-title = Log In
# The OAuth login page names the application that asked.
login-for-app = Log in to continue to { $app }.
login-for-app-at = Log in to continue to { $app } ({ $host }).
login-field-login = Email Address or Username
login-remember-me = Remember me
login-forgot-password = Forgot Your Password?
login-submit = Log In
login-with-passkey = Log in with a passkey
# $provider: an upstream identity provider's own name ("Google")
login-with-upstream = Sign in with { $provider }
login-no-account = Don't have an account?
login-sign-up = Sign Up
login-logged-out = You are logged out.
login-account-disabled = This account is disabled.
login-email-not-verified = Confirm your email address first: follow the link we sent you.
login-too-slow = The sign-in took too long. Please start again.
login-wrong-credentials = Wrong username or password.

## /mfa: the second step

mfa-title = Two-step verification
mfa-lead-app = Enter the 6-digit code from your authenticator app.
mfa-lead-app-or-backup = Enter the 6-digit code from your authenticator app, or one of your backup codes.
mfa-lead-passkey = Use your passkey or security key to finish logging in.
mfa-lead-backup = Enter one of your backup codes.
mfa-lost-passkey = Lost your passkey? Enter one of your backup codes.
mfa-field-code = Code
mfa-field-backup-code = Backup code
mfa-submit = Verify
mfa-use-passkey = Use a passkey
mfa-passkey-needs-javascript = Passkeys need JavaScript. Turn it on to finish logging in.
mfa-start-again = Start again
mfa-wrong-code = That code is not right. Try again.

## Shared by the sign-in pages

sign-in-internal-error = Something went wrong on our side. Please try again.
sign-in-log-in = Log In

## Password fields (sign-up, new password, and every other page with one):
## the show/hide button, the strength meter, the confirmation.

password-show = Show password
password-hide = Hide password
# Under a new password. $min: the minimum number of characters
password-new-hint = At least { $min } characters. A few unrelated words make a good one.
# The strength meter, while typing. $reason: why the password is refused
# (one of the password-… reasons below, or password-meter-weak-fallback)
password-meter-weak = Weak: { $reason }
password-meter-weak-fallback = try a longer password
password-meter-medium = Medium: good enough. One more unrelated word makes it strong.
password-meter-strong = Strong
password-choose = Choose a password.
password-mismatch = Passwords do not match.
# Shown live while the confirmation is typed (no full stop, as a hint).
password-mismatch-typing = Passwords do not match

## Why the password policy refuses a new password.

# $min: the minimum number of characters
password-too-short = { $min ->
    [one] The password must be at least { $min } character long.
   *[other] The password must be at least { $min } characters long.
}
# $max: the maximum number of characters
password-too-long = { $max ->
    [one] The password must be at most { $max } character long.
   *[other] The password must be at most { $max } characters long.
}
password-common = This password appears in a list of common or breached passwords.
password-too-easy = The password is too easy to guess.
# $hints: what the estimator noticed and suggests, as whole sentences
# (the password-warning-… and password-suggestion-… messages below)
password-too-easy-hints = The password is too easy to guess: { $hints }

## What the strength estimator noticed (zxcvbn's warnings).

password-warning-straight-rows = Straight rows of keys are easy to guess.
password-warning-short-keyboard-patterns = Short keyboard patterns are easy to guess.
password-warning-repeats = Repeats like "aaa" are easy to guess.
password-warning-repeated-groups = Repeats like "abcabcabc" are only slightly harder to guess than "abc".
password-warning-top-10 = This is a top-10 common password.
password-warning-top-100 = This is a top-100 common password.
password-warning-common = This is a very common password.
password-warning-similar-to-common = This is similar to a commonly used password.
password-warning-sequences = Sequences like abc or 6543 are easy to guess.
password-warning-recent-years = Recent years are easy to guess.
password-warning-single-word = A word by itself is easy to guess.
password-warning-dates = Dates are often easy to guess.
password-warning-names-alone = Names and surnames by themselves are easy to guess.
password-warning-common-names = Common names and surnames are easy to guess.

## What the strength estimator suggests (zxcvbn's suggestions).

password-suggestion-few-words = Use a few words, avoid common phrases.
password-suggestion-no-symbols-needed = No need for symbols, digits, or uppercase letters.
password-suggestion-another-word = Add another word or two. Uncommon words are better.
password-suggestion-capitalization = Capitalization doesn't help very much.
password-suggestion-all-uppercase = All-uppercase is almost as easy to guess as all-lowercase.
password-suggestion-reversed-words = Reversed words aren't much harder to guess.
password-suggestion-substitutions = Predictable substitutions like '@' instead of 'a' don't help very much.
password-suggestion-longer-keyboard-pattern = Use a longer keyboard pattern with more turns.
password-suggestion-avoid-repeats = Avoid repeated words and characters.
password-suggestion-avoid-sequences = Avoid sequences.
password-suggestion-avoid-recent-years = Avoid recent years.
password-suggestion-avoid-your-years = Avoid years that are associated with you.
password-suggestion-avoid-your-dates = Avoid dates and years that are associated with you.

## /register

register-title = Sign Up
register-username-hint = Letters, digits, '.', '_' and '-'.
register-confirm-password = Confirm password
# The terms checkbox: register-agree-before, then the link register-terms,
# then (when both links are shown) register-agree-and, then the link
# register-privacy-policy. Put articles where your language needs them.
register-agree-before = I agree to the
register-terms = Terms
register-agree-and = and
register-privacy-policy = Privacy Policy
register-submit = Sign Up
register-have-account = Already have an account?
register-agree-required = Agree to the terms to create an account.
register-email-taken = An account with this email address already exists. Log in instead, or reset its password.
register-username-taken = This username is taken. Choose another one.
register-email-empty = The email address is empty.
register-email-too-long = The email address is longer than 254 characters.
register-email-no-at = The email address must contain '@'.
register-email-local-length = The email address needs 1 to 64 characters before '@'.
register-email-local-characters = The email address has characters that are not allowed before '@'.
register-email-domain = The email address has an invalid domain after '@'.
# $min and $max: the shortest and longest allowed username
register-username-length = A username must be { $min } to { $max } characters long.
register-username-characters = A username may contain only letters, digits, '.', '_' and '-'.
register-username-start = A username must start with a letter or digit.
register-email-too-long-to-check = The email address must be at most { $max } characters long.
register-username-too-long-to-check = The username must be at most { $max } characters long.
register-check-email-title = Check your email
# $email: the address the link went to
register-check-email = We sent a link to { $email }.
register-check-email-detail = Follow it to confirm your address, then sign in. Nothing arrived? Check your spam folder.
register-created-title = Account created
register-created = Your account is ready.
register-created-detail = Log in to continue.

## /forgot-password

forgot-title = Forgot Your Password?
forgot-lead = Enter the email address of your account, and we will send you a link to choose a new password.
forgot-submit = Send Reset Link
forgot-back-to-login = Back to Login
forgot-email-invalid = Enter the email address of your account, like name@example.com.
forgot-sent-title = Check your email
forgot-sent = If an account uses this address, a link to choose a new password is on its way.
# $valid_for: how long the link works, e.g. "1 hour"
forgot-sent-detail = Follow the link in the mail within { $valid_for }. It works once; asking again makes older links useless. Nothing arrived? Check your spam folder, or ask again in a few minutes.

## /reset-password

reset-title = Choose a new password
reset-field-new-password = New password
reset-confirm-password = Confirm new password
reset-submit = Set new password
reset-new-link = Ask for a new link
reset-done-title = Password changed
reset-done = Your password was changed, and every session was logged out.
reset-done-detail = You can sign in with the new password now.

## /verify-email

verify-title = Verify your email
verify-lead = Confirm your email address to finish setting up your account.
verify-submit = Confirm email address
verify-done-title = Email verified
verify-done-email = Your email address is verified.
verify-done-new-email = Your new email address is confirmed and now in use.
verify-continue = Continue
verify-to-account = Go to your account

## /consent: an application asks for access

consent-title = Allow access?
# Between the application's name in bold (and its host in brackets) and the
# username in bold, followed by a colon: "<b>Acme</b> (acme.example) … <b>alice</b>:"
consent-app-wants = wants to access your account
consent-allow = Allow
consent-deny = Deny
consent-withdraw = You can withdraw this at any time from your account's connected applications.
consent-scope-openid = Know who you are (your account id)
consent-scope-profile = See your username
consent-scope-email = See your email address
consent-scope-roles = See your roles
consent-scope-permissions = See what your roles allow you to do
consent-scope-offline-access = Stay connected while you are away
# $scope: a scope name the application asked for, as it wrote it
consent-scope-other = Use '{ $scope }'
consent-refused-title = Sign-in request refused
consent-request-malformed = The authorization request is malformed.
consent-form-malformed = The consent form is malformed.
consent-form-expired = The form expired or did not come from this site. Start again from the application.
consent-no-client = The request names no client (client_id).
consent-unknown-client = The application is not registered here.
consent-unregistered-redirect = The application sent a redirect URI it has not registered.
consent-no-redirect = The request has no redirect_uri.
consent-unavailable = Sign-in is unavailable right now; try again later.

## /oauth2/logout

# After the application's name in bold. $product: this server's name
logout-app-asks = asks to log you out of { $product }.
# $product: this server's name
logout-question = Log out of { $product }?
logout-title = Log out?
logout-submit = Log Out
logout-done-title = Logged out
logout-done = You are logged out.
logout-refused-title = Log-out request refused
# Below it, the technical reason for the application's developers (in English).
logout-refused = The application's log-out request is not valid.
logout-failed = Signing out failed; try again later.

## /login/upstream: signing in with another provider

upstream-failed-title = Sign-in failed
upstream-unknown = There is no such sign-in provider.
# $provider: the provider's name ("Google")
upstream-unreachable = { $provider } cannot be reached right now. Try again later.
upstream-unavailable = Sign-in is unavailable right now.
upstream-unavailable-later = Sign-in is unavailable right now. Try again later.
upstream-expired = The sign-in took too long or was not started here. Start again.
upstream-other-browser = The sign-in answer does not belong to this browser. Start again.
upstream-wrong-issuer = The sign-in answer came from the wrong provider.
# $provider: the provider's name
upstream-cancelled = The sign-in at { $provider } was cancelled or refused.
upstream-no-code = The sign-in answer has no code.
# $provider: the provider's name
upstream-not-confirmed = { $provider } did not confirm who you are. Start again.
upstream-email-taken = An account with your email address exists already. Sign in with its password; linking accounts by email is not enabled for this provider.
upstream-email-unverified = Your email address is not verified at that provider. Verify it there and sign in again, or sign up here with a password.
upstream-did-not-work = The sign-in did not work. Start again.
