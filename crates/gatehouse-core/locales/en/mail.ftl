# The mails. Arguments: $product (the product name), $username, $email and
# $new_email (addresses), $valid_for (a duration of common.ftl, "24 hours").
# Subjects are plain text; the rest is used in both the HTML and the
# plain-text part of a mail.

## Shared by every mail.

mail-greeting = Hello { $username },
mail-footer = You receive this message because of an action on your { $product } account. If it was not you, you can ignore it.
# Under the button, before the link itself.
mail-open-link = Or open this link:
mail-open-link-new-password = To choose a new password, open this link:
mail-open-link-first-password = To choose your password, open this link:
mail-button-new-password = Choose a new password
mail-link-expires = The link works once and expires in { $valid_for }.
mail-link-expired-ask-again = If it has expired, ask for a new one on the “Forgot password?” page.

## Verify the address of a new account.

mail-verify-email-subject = Verify your email address for { $product }
mail-verify-email-intro = Please confirm that { $email } is your email address.
mail-verify-email-intro-text = Please confirm that { $email } is your email address by opening this link:
mail-verify-email-button = Verify email address
mail-verify-email-ignore = If you did not create a { $product } account, you can ignore this message.

## Forgot password.

mail-reset-password-subject = Reset your { $product } password
mail-reset-password-intro = Someone asked to reset the password of your { $product } account.
mail-reset-password-asking-again = Asking again makes this link invalid.
mail-reset-password-ignore = If it was not you, ignore this message: your password stays as it is.
mail-footer-reset-password = You receive this message because of an action on your { $product } account. If it was not you, you can ignore it; your password stays as it is.

## An account an administrator made without a password.

mail-invitation-subject = Your { $product } account is ready: choose a password
mail-invitation-intro = An account was made for you on { $product }, with the username { $username }.
mail-invitation-button = Choose your password
mail-footer-invitation = You receive this message because of an action on your { $product } account. If it was not you, you can ignore it; nobody can sign in with a password until one is chosen.

## An administrator demands a new password.

mail-password-reset-required-subject = Choose a new password for your { $product } account
mail-password-reset-required-intro = An administrator of { $product } asked you to choose a new password. You have been signed out everywhere, your API keys were revoked, and signing in with your old password no longer works.

## An administrator removed the second factors.

mail-second-factors-reset-subject = The second factors of your { $product } account were removed
mail-second-factors-reset-intro = An administrator removed the second factors of your { $product } account — the authenticator app, the backup codes and the passkeys — and signed out every session, as asked when a device is lost.
mail-second-factors-reset-next = Sign in with your password now and set up a second factor again.
mail-second-factors-reset-not-you = If you did not ask for this, reset your password now and contact your administrator.

## The password was changed (reset or changed while signed in).

mail-password-changed-subject = Your { $product } password was changed
mail-password-changed-all-sessions = The password of your { $product } account was just changed and every session was signed out.
mail-password-changed-other-sessions = The password of your { $product } account was just changed; your other sessions were signed out.
mail-password-changed-not-you = If this was not you, reset your password now and contact your administrator.

## A change of address: to the new address, to confirm it.

mail-confirm-new-email-subject = Confirm your new email address for { $product }
mail-confirm-new-email-intro = Please confirm that you want to use { $email } for your { $product } account.
mail-confirm-new-email-intro-text = Please confirm that you want to use { $email } for your { $product } account by opening this link:
mail-confirm-new-email-button = Confirm new address
mail-confirm-new-email-old-address = Until then the old address stays in use.

## A change of address: to the old address, as a warning.

mail-email-change-requested-subject = Email change requested for your { $product } account
mail-email-change-requested-intro = Someone asked to change the email address of your { $product } account to { $new_email }. Nothing changes unless the new address is confirmed.
mail-email-change-requested-not-you = If this was not you, change your password now.
