# The mails (see en/mail.ftl). Formal address: "Sie".

## Shared by every mail.

mail-greeting = Hallo { $username },
mail-footer = Sie erhalten diese Nachricht wegen einer Aktion in Ihrem Konto bei { $product }. Wenn Sie das nicht waren, können Sie sie ignorieren.
mail-open-link = Oder öffnen Sie diesen Link:
mail-open-link-new-password = Um ein neues Passwort zu wählen, öffnen Sie diesen Link:
mail-open-link-first-password = Um Ihr Passwort zu wählen, öffnen Sie diesen Link:
mail-button-new-password = Neues Passwort wählen
mail-link-expires = Der Link gilt nur einmal und läuft in { $valid_for } ab.
mail-link-expired-ask-again = Ist er abgelaufen, fordern Sie auf der Seite „Passwort vergessen?“ einen neuen an.

## Verify the address of a new account.

mail-verify-email-subject = Bestätigen Sie Ihre E-Mail-Adresse für { $product }
mail-verify-email-intro = Bitte bestätigen Sie, dass { $email } Ihre E-Mail-Adresse ist.
mail-verify-email-intro-text = Bitte bestätigen Sie, dass { $email } Ihre E-Mail-Adresse ist, indem Sie diesen Link öffnen:
mail-verify-email-button = E-Mail-Adresse bestätigen
mail-verify-email-ignore = Wenn Sie kein Konto bei { $product } angelegt haben, können Sie diese Nachricht ignorieren.

## Forgot password.

mail-reset-password-subject = Setzen Sie Ihr Passwort für { $product } zurück
mail-reset-password-intro = Jemand hat angefordert, das Passwort Ihres Kontos bei { $product } zurückzusetzen.
mail-reset-password-asking-again = Eine erneute Anforderung macht diesen Link ungültig.
mail-reset-password-ignore = Wenn Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.
mail-footer-reset-password = Sie erhalten diese Nachricht wegen einer Aktion in Ihrem Konto bei { $product }. Wenn Sie das nicht waren, können Sie sie ignorieren; Ihr Passwort bleibt unverändert.

## An account an administrator made without a password.

mail-invitation-subject = Ihr Konto bei { $product } ist bereit: Wählen Sie ein Passwort
mail-invitation-intro = Für Sie wurde ein Konto bei { $product } angelegt, mit dem Benutzernamen { $username }.
mail-invitation-button = Passwort wählen
mail-footer-invitation = Sie erhalten diese Nachricht wegen einer Aktion in Ihrem Konto bei { $product }. Wenn Sie das nicht waren, können Sie sie ignorieren; niemand kann sich mit einem Passwort anmelden, bevor eines gewählt wurde.

## An administrator demands a new password.

mail-password-reset-required-subject = Wählen Sie ein neues Passwort für Ihr Konto bei { $product }
mail-password-reset-required-intro = Ein Administrator von { $product } hat Sie gebeten, ein neues Passwort zu wählen. Sie wurden überall abgemeldet, Ihre API-Schlüssel wurden widerrufen, und die Anmeldung mit Ihrem alten Passwort ist nicht mehr möglich.

## An administrator removed the second factors.

mail-second-factors-reset-subject = Die zweiten Faktoren Ihres Kontos bei { $product } wurden entfernt
mail-second-factors-reset-intro = Ein Administrator hat die zweiten Faktoren Ihres Kontos bei { $product } entfernt – die Authenticator-App, die Backup-Codes und die Passkeys – und alle Sitzungen abgemeldet, wie es bei einem verlorenen Gerät verlangt wird.
mail-second-factors-reset-next = Melden Sie sich jetzt mit Ihrem Passwort an und richten Sie erneut einen zweiten Faktor ein.
mail-second-factors-reset-not-you = Wenn Sie das nicht veranlasst haben, setzen Sie Ihr Passwort jetzt zurück und wenden Sie sich an Ihren Administrator.

## The password was changed (reset or changed while signed in).

mail-password-changed-subject = Ihr Passwort für { $product } wurde geändert
mail-password-changed-all-sessions = Das Passwort Ihres Kontos bei { $product } wurde soeben geändert, und alle Sitzungen wurden abgemeldet.
mail-password-changed-other-sessions = Das Passwort Ihres Kontos bei { $product } wurde soeben geändert; Ihre anderen Sitzungen wurden abgemeldet.
mail-password-changed-not-you = Wenn Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück und wenden Sie sich an Ihren Administrator.

## A change of address: to the new address, to confirm it.

mail-confirm-new-email-subject = Bestätigen Sie Ihre neue E-Mail-Adresse für { $product }
mail-confirm-new-email-intro = Bitte bestätigen Sie, dass Sie { $email } für Ihr Konto bei { $product } verwenden möchten.
mail-confirm-new-email-intro-text = Bitte bestätigen Sie, dass Sie { $email } für Ihr Konto bei { $product } verwenden möchten, indem Sie diesen Link öffnen:
mail-confirm-new-email-button = Neue Adresse bestätigen
mail-confirm-new-email-old-address = Bis dahin bleibt die bisherige Adresse in Gebrauch.

## A change of address: to the old address, as a warning.

mail-email-change-requested-subject = Änderung der E-Mail-Adresse Ihres Kontos bei { $product } angefordert
mail-email-change-requested-intro = Jemand hat angefordert, die E-Mail-Adresse Ihres Kontos bei { $product } in { $new_email } zu ändern. Es ändert sich nichts, solange die neue Adresse nicht bestätigt ist.
mail-email-change-requested-not-you = Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort.
