# The sign-in pages: log in, second step, sign up, forgotten password,
# new password, email confirmation, consent, log out.

## /login

login-title = Anmelden
login-for-app = Melden Sie sich an, um mit { $app } fortzufahren.
login-for-app-at = Melden Sie sich an, um mit { $app } ({ $host }) fortzufahren.
login-field-login = E-Mail-Adresse oder Benutzername
login-remember-me = Angemeldet bleiben
login-forgot-password = Passwort vergessen?
login-submit = Anmelden
login-with-passkey = Mit einem Passkey anmelden
login-with-upstream = Mit { $provider } anmelden
login-no-account = Noch kein Konto?
login-sign-up = Registrieren
login-logged-out = Sie sind abgemeldet.
login-account-disabled = Dieses Konto ist deaktiviert.
login-email-not-verified = Bestätigen Sie zuerst Ihre E-Mail-Adresse: Folgen Sie dem Link, den wir Ihnen gesendet haben.
login-too-slow = Die Anmeldung hat zu lange gedauert. Bitte beginnen Sie von vorn.
login-wrong-credentials = Falscher Benutzername oder falsches Passwort.

## /mfa: the second step

mfa-title = Bestätigung in zwei Schritten
mfa-lead-app = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.
mfa-lead-app-or-backup = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App oder einen Ihrer Backup-Codes ein.
mfa-lead-passkey = Verwenden Sie Ihren Passkey oder Sicherheitsschlüssel, um die Anmeldung abzuschließen.
mfa-lead-backup = Geben Sie einen Ihrer Backup-Codes ein.
mfa-lost-passkey = Passkey verloren? Geben Sie einen Ihrer Backup-Codes ein.
mfa-field-code = Code
mfa-field-backup-code = Backup-Code
mfa-submit = Bestätigen
mfa-use-passkey = Passkey verwenden
mfa-passkey-needs-javascript = Passkeys brauchen JavaScript. Schalten Sie es ein, um die Anmeldung abzuschließen.
mfa-start-again = Von vorn beginnen
mfa-wrong-code = Dieser Code stimmt nicht. Versuchen Sie es erneut.

## Shared by the sign-in pages

sign-in-internal-error = Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.
sign-in-log-in = Anmelden

## Password fields (sign-up, new password, and every other page with one):
## the show/hide button, the strength meter, the confirmation.

password-show = Passwort anzeigen
password-hide = Passwort verbergen
password-new-hint = Mindestens { $min } Zeichen. Ein paar Wörter, die nichts miteinander zu tun haben, ergeben ein gutes Passwort.
password-meter-weak = Schwach: { $reason }
password-meter-weak-fallback = Versuchen Sie ein längeres Passwort
password-meter-medium = Mittel: gut genug. Ein weiteres, unabhängiges Wort macht es stark.
password-meter-strong = Stark
password-choose = Wählen Sie ein Passwort.
password-mismatch = Die Passwörter stimmen nicht überein.
password-mismatch-typing = Die Passwörter stimmen nicht überein

## Why the password policy refuses a new password.

password-too-short = Das Passwort muss mindestens { $min } Zeichen lang sein.
password-too-long = Das Passwort darf höchstens { $max } Zeichen lang sein.
password-common = Dieses Passwort steht auf einer Liste häufiger oder geleakter Passwörter.
password-too-easy = Das Passwort ist zu leicht zu erraten.
password-too-easy-hints = Das Passwort ist zu leicht zu erraten: { $hints }

## What the strength estimator noticed (zxcvbn's warnings).

password-warning-straight-rows = Gerade Tastenreihen sind leicht zu erraten.
password-warning-short-keyboard-patterns = Kurze Tastaturmuster sind leicht zu erraten.
password-warning-repeats = Wiederholungen wie „aaa“ sind leicht zu erraten.
password-warning-repeated-groups = Wiederholungen wie „abcabcabc“ sind nur wenig schwerer zu erraten als „abc“.
password-warning-top-10 = Dies ist eines der 10 häufigsten Passwörter.
password-warning-top-100 = Dies ist eines der 100 häufigsten Passwörter.
password-warning-common = Dies ist ein sehr häufiges Passwort.
password-warning-similar-to-common = Dies ähnelt einem häufig verwendeten Passwort.
password-warning-sequences = Folgen wie abc oder 6543 sind leicht zu erraten.
password-warning-recent-years = Jahreszahlen der letzten Zeit sind leicht zu erraten.
password-warning-single-word = Ein einzelnes Wort ist leicht zu erraten.
password-warning-dates = Daten sind oft leicht zu erraten.
password-warning-names-alone = Vor- und Nachnamen allein sind leicht zu erraten.
password-warning-common-names = Häufige Vor- und Nachnamen sind leicht zu erraten.

## What the strength estimator suggests (zxcvbn's suggestions).

password-suggestion-few-words = Verwenden Sie mehrere Wörter, aber keine gängigen Redewendungen.
password-suggestion-no-symbols-needed = Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.
password-suggestion-another-word = Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind besser.
password-suggestion-capitalization = Großschreibung hilft nicht viel.
password-suggestion-all-uppercase = Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.
password-suggestion-reversed-words = Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.
password-suggestion-substitutions = Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen nicht viel.
password-suggestion-longer-keyboard-pattern = Verwenden Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.
password-suggestion-avoid-repeats = Vermeiden Sie wiederholte Wörter und Zeichen.
password-suggestion-avoid-sequences = Vermeiden Sie Zeichenfolgen.
password-suggestion-avoid-recent-years = Vermeiden Sie Jahreszahlen der letzten Zeit.
password-suggestion-avoid-your-years = Vermeiden Sie Jahreszahlen, die mit Ihnen in Verbindung stehen.
password-suggestion-avoid-your-dates = Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen in Verbindung stehen.

## /register

register-title = Registrieren
register-username-hint = Buchstaben, Ziffern, „.“, „_“ und „-“.
register-confirm-password = Passwort bestätigen
register-agree-before = Ich akzeptiere die
register-terms = Nutzungsbedingungen
register-agree-and = und die
register-privacy-policy = Datenschutzerklärung
register-submit = Registrieren
register-have-account = Sie haben bereits ein Konto?
register-agree-required = Akzeptieren Sie die Bedingungen, um ein Konto zu erstellen.
register-email-taken = Es gibt bereits ein Konto mit dieser E-Mail-Adresse. Melden Sie sich an oder setzen Sie das Passwort zurück.
register-username-taken = Dieser Benutzername ist vergeben. Wählen Sie einen anderen.
register-email-empty = Die E-Mail-Adresse ist leer.
register-email-too-long = Die E-Mail-Adresse ist länger als 254 Zeichen.
register-email-no-at = Die E-Mail-Adresse muss ein „@“ enthalten.
register-email-local-length = Die E-Mail-Adresse braucht vor dem „@“ 1 bis 64 Zeichen.
register-email-local-characters = Die E-Mail-Adresse enthält vor dem „@“ unzulässige Zeichen.
register-email-domain = Die E-Mail-Adresse hat nach dem „@“ eine ungültige Domain.
register-username-length = Ein Benutzername muss { $min } bis { $max } Zeichen lang sein.
register-username-characters = Ein Benutzername darf nur Buchstaben, Ziffern, „.“, „_“ und „-“ enthalten.
register-username-start = Ein Benutzername muss mit einem Buchstaben oder einer Ziffer beginnen.
register-email-too-long-to-check = Die E-Mail-Adresse darf höchstens { $max } Zeichen lang sein.
register-username-too-long-to-check = Der Benutzername darf höchstens { $max } Zeichen lang sein.
register-check-email-title = Prüfen Sie Ihre E-Mails
register-check-email = Wir haben einen Link an { $email } gesendet.
register-check-email-detail = Folgen Sie ihm, um Ihre Adresse zu bestätigen, und melden Sie sich dann an. Nichts angekommen? Sehen Sie in Ihrem Spam-Ordner nach.
register-created-title = Konto erstellt
register-created = Ihr Konto ist bereit.
register-created-detail = Melden Sie sich an, um fortzufahren.

## /forgot-password

forgot-title = Passwort vergessen?
forgot-lead = Geben Sie die E-Mail-Adresse Ihres Kontos ein, und wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.
forgot-submit = Link zum Zurücksetzen senden
forgot-back-to-login = Zurück zur Anmeldung
forgot-email-invalid = Geben Sie die E-Mail-Adresse Ihres Kontos ein, z. B. name@example.com.
forgot-sent-title = Prüfen Sie Ihre E-Mails
forgot-sent = Wenn ein Konto diese Adresse verwendet, ist ein Link zum Wählen eines neuen Passworts unterwegs.
forgot-sent-detail = Folgen Sie dem Link in der E-Mail innerhalb von { $valid_for }. Er funktioniert einmal; eine neue Anfrage macht ältere Links ungültig. Nichts angekommen? Sehen Sie in Ihrem Spam-Ordner nach, oder fragen Sie in ein paar Minuten erneut.

## /reset-password

reset-title = Neues Passwort wählen
reset-field-new-password = Neues Passwort
reset-confirm-password = Neues Passwort bestätigen
reset-submit = Neues Passwort festlegen
reset-new-link = Neuen Link anfordern
reset-done-title = Passwort geändert
reset-done = Ihr Passwort wurde geändert, und alle Sitzungen wurden abgemeldet.
reset-done-detail = Sie können sich jetzt mit dem neuen Passwort anmelden.

## /verify-email

verify-title = E-Mail-Adresse bestätigen
verify-lead = Bestätigen Sie Ihre E-Mail-Adresse, um die Einrichtung Ihres Kontos abzuschließen.
verify-submit = E-Mail-Adresse bestätigen
verify-done-title = E-Mail-Adresse bestätigt
verify-done-email = Ihre E-Mail-Adresse ist bestätigt.
verify-done-new-email = Ihre neue E-Mail-Adresse ist bestätigt und wird jetzt verwendet.
verify-continue = Weiter
verify-to-account = Zu Ihrem Konto

## /consent: an application asks for access

consent-title = Zugriff erlauben?
consent-app-wants = bittet um Zugriff auf Ihr Konto
consent-allow = Erlauben
consent-deny = Ablehnen
consent-withdraw = Sie können dies jederzeit in Ihrem Konto unter den verbundenen Anwendungen widerrufen.
consent-scope-openid = Wissen, wer Sie sind (Ihre Konto-ID)
consent-scope-profile = Ihren Benutzernamen sehen
consent-scope-email = Ihre E-Mail-Adresse sehen
consent-scope-roles = Ihre Rollen sehen
consent-scope-permissions = Sehen, was Ihre Rollen Ihnen erlauben
consent-scope-offline-access = Verbunden bleiben, während Sie nicht da sind
consent-scope-other = „{ $scope }“ verwenden
consent-refused-title = Anmeldeanfrage abgelehnt
consent-request-malformed = Die Autorisierungsanfrage ist fehlerhaft.
consent-form-malformed = Das Zustimmungsformular ist fehlerhaft.
consent-form-expired = Das Formular ist abgelaufen oder kam nicht von dieser Website. Beginnen Sie erneut in der Anwendung.
consent-no-client = Die Anfrage nennt keinen Client (client_id).
consent-unknown-client = Die Anwendung ist hier nicht registriert.
consent-unregistered-redirect = Die Anwendung hat eine Weiterleitungs-URI gesendet, die sie nicht registriert hat.
consent-no-redirect = Die Anfrage hat keine redirect_uri.
consent-unavailable = Die Anmeldung ist gerade nicht verfügbar; versuchen Sie es später erneut.

## /oauth2/logout

logout-app-asks = möchte Sie von { $product } abmelden.
logout-question = Von { $product } abmelden?
logout-title = Abmelden?
logout-submit = Abmelden
logout-done-title = Abgemeldet
logout-done = Sie sind abgemeldet.
logout-refused-title = Abmeldeanfrage abgelehnt
logout-refused = Die Abmeldeanfrage der Anwendung ist ungültig.
logout-failed = Die Abmeldung ist fehlgeschlagen; versuchen Sie es später erneut.

## /login/upstream: signing in with another provider

upstream-failed-title = Anmeldung fehlgeschlagen
upstream-unknown = Diesen Anmeldeanbieter gibt es nicht.
upstream-unreachable = { $provider } ist gerade nicht erreichbar. Versuchen Sie es später erneut.
upstream-unavailable = Die Anmeldung ist gerade nicht verfügbar.
upstream-unavailable-later = Die Anmeldung ist gerade nicht verfügbar. Versuchen Sie es später erneut.
upstream-expired = Die Anmeldung hat zu lange gedauert oder wurde nicht hier begonnen. Beginnen Sie von vorn.
upstream-other-browser = Die Antwort auf die Anmeldung gehört nicht zu diesem Browser. Beginnen Sie von vorn.
upstream-wrong-issuer = Die Antwort auf die Anmeldung kam vom falschen Anbieter.
upstream-cancelled = Die Anmeldung bei { $provider } wurde abgebrochen oder abgelehnt.
upstream-no-code = Die Antwort auf die Anmeldung enthält keinen Code.
upstream-not-confirmed = { $provider } hat nicht bestätigt, wer Sie sind. Beginnen Sie von vorn.
upstream-email-taken = Es gibt bereits ein Konto mit Ihrer E-Mail-Adresse. Melden Sie sich mit seinem Passwort an; die Verknüpfung von Konten über die E-Mail-Adresse ist für diesen Anbieter nicht aktiviert.
upstream-email-unverified = Ihre E-Mail-Adresse ist bei diesem Anbieter nicht bestätigt. Bestätigen Sie sie dort und melden Sie sich erneut an, oder registrieren Sie sich hier mit einem Passwort.
upstream-did-not-work = Die Anmeldung hat nicht funktioniert. Beginnen Sie von vorn.
