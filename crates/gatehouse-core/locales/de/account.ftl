# The account pages: /account (profile, email address, password, two-step
# verification, passkeys, sessions, connected apps), the authenticator app's
# setup, the backup codes, and the messages of passkey.js and
# backup_codes.js. The session rows, device names and the "Form expired"
# page are shared with the admin pages.

## /account: the page

account-title = Ihr Konto
account-admin-link = Administration
account-log-out = Abmelden
account-nothing-changed = Es wurde nichts geändert:
account-enrol-only = Ihr Konto erfordert die Bestätigung in zwei Schritten. Richten Sie unten eine Authenticator-App ein, bevor Sie etwas anderes tun.
account-enrol-only-or-passkey = Ihr Konto erfordert die Bestätigung in zwei Schritten. Richten Sie unten eine Authenticator-App ein oder fügen Sie einen Passkey hinzu, bevor Sie etwas anderes tun.
account-current-password = Aktuelles Passwort
account-actions = Aktionen
account-unknown = unbekannt

## Notices after an action.

account-done-verification-sent = Wir haben den Link erneut gesendet. Sehen Sie in Ihrem Posteingang nach.
account-done-email = Wir haben einen Link an die neue Adresse gesendet. Folgen Sie ihm, um die Änderung abzuschließen.
account-done-password = Ihr Passwort wurde geändert. Alle anderen Sitzungen wurden abgemeldet.
account-done-totp-on = Die Bestätigung in zwei Schritten ist aktiviert.
account-done-totp-off = Die Authenticator-App ist deaktiviert.
account-done-passkey-added = Passkey hinzugefügt.
account-done-passkey-renamed = Passkey umbenannt.
account-done-passkey-removed = Passkey entfernt.
account-done-session-ended = Diese Sitzung ist abgemeldet.
account-done-app-removed = Die App kann Ihr Konto nicht mehr verwenden.

## Profile

account-profile = Profil
account-email = E-Mail
account-email-verified = bestätigt
account-email-not-verified = nicht bestätigt
account-member-since = Mitglied seit
account-verify-hint = Folgen Sie dem Link, den wir an { $email } gesendet haben, um die Adresse zu bestätigen.
account-verify-resend = Link erneut senden

## Email address

account-email-heading = E-Mail-Adresse
account-email-hint = Wir senden einen Link an die neue Adresse; Ihre Adresse ändert sich, sobald Sie ihm folgen.
account-email-new = Neue E-Mail-Adresse
account-email-submit = E-Mail-Adresse ändern

## Password

account-password-heading = Passwort
account-password-new = Neues Passwort
account-password-new-hint = { $min ->
    [one] Mindestens 1 Zeichen.
   *[other] Mindestens { $min } Zeichen.
} Einige Wörter ohne Zusammenhang ergeben ein starkes Passwort.
account-password-confirm = Neues Passwort bestätigen
account-revoke-api-keys = { $count ->
    [one] Auch meinen 1 API-Schlüssel widerrufen
   *[other] Auch meine { $count } API-Schlüssel widerrufen
}
account-password-submit = Passwort ändern
account-password-note = Sie bleiben hier angemeldet; alle anderen Sitzungen werden abgemeldet.
account-password-note-api-keys = Sie bleiben hier angemeldet; alle anderen Sitzungen werden abgemeldet, und Ihre API-Schlüssel funktionieren nicht mehr, sofern Sie das Häkchen nicht entfernen.

## Two-step verification

account-two-step-heading = Bestätigung in zwei Schritten
account-totp = Authenticator-App
account-totp-on = an
account-totp-off = aus
account-backup-codes-left = Verbleibende Backup-Codes
account-totp-off-confirm-hint = Bestätigen Sie, dass Sie es sind, um die App zu deaktivieren.
account-totp-turn-off = Authenticator-App deaktivieren
account-totp-intro = Melden Sie sich zusätzlich zu Ihrem Passwort mit einem Code aus einer App auf Ihrem Smartphone an.
account-totp-set-up = Authenticator-App einrichten
account-codes-hint = Mit Backup-Codes können Sie sich anmelden, wenn Sie Ihr Smartphone oder Ihren Sicherheitsschlüssel verlieren. Neue Codes ersetzen die alten.
account-codes-confirm-hint = Bestätigen Sie, dass Sie es sind, um neue Codes zu erhalten.
account-codes-new = Neue Backup-Codes

## Passkeys

account-passkeys-heading = Passkeys
account-passkey-name = Name
account-passkey-added = Hinzugefügt
account-passkey-last-used = Zuletzt verwendet
account-passkey-never = nie
account-passkey-rename = Umbenennen
account-passkey-new-name = Neuer Name
account-passkey-save = Speichern
account-passkey-remove = Entfernen
account-passkeys-none = Noch keine Passkeys. Mit einem Passkey melden Sie sich per Fingerabdruck, Gesichtserkennung, Bildschirmsperre oder Sicherheitsschlüssel an.
account-passkey-name-placeholder = z. B. Laptop
account-passkey-add = Passkey hinzufügen
account-passkey-needs-javascript = Zum Hinzufügen eines Passkeys wird JavaScript benötigt.

## Sessions

account-sessions-heading = Wo Sie angemeldet sind
account-session-kind = Art
account-session-device = Gerät
account-session-ip = IP-Adresse
account-session-signed-in = Angemeldet
account-session-last-active = Zuletzt aktiv
account-session-this-browser = dieser Browser
account-log-out-everywhere = Überall abmelden
account-log-out-everywhere-note = Beendet alle Sitzungen, auch diese.
account-log-out-everywhere-note-api-keys = Beendet alle Sitzungen, auch diese, und – sofern Sie das Häkchen nicht entfernen – Ihre API-Schlüssel.

## Connected apps

account-apps-heading = Verbundene Apps
account-app = App
account-app-access = Zugriff
account-app-allowed = Erlaubt
account-app-remove = Zugriff entziehen
account-app-remove-hint = Wenn Sie den Zugriff entziehen, wird die App auch abgemeldet.
account-apps-none = Keine App kann Ihr Konto verwenden.

## A session's kind, in the account's and an administrator's list.

account-session-kind-browser = Browser
account-session-kind-api = API
account-session-kind-app = App: { $app }

## A device, from its browser's user agent.

account-device = { $browser } auf { $system }
account-device-unknown-browser = Ein Browser auf { $system }

## Errors of the forms.

account-error-wrong-password = Dieses Passwort ist nicht richtig.
account-error-confirm-password = Bestätigen Sie, dass Sie es sind: Geben Sie Ihr aktuelles Passwort ein.
account-error-invalid-email = Geben Sie eine gültige E-Mail-Adresse ein.
account-error-email-taken = Es gibt bereits ein Konto mit dieser Adresse.
account-error-wrong-code = Dieser Code stimmt nicht. Versuchen Sie es erneut.
account-error-logged-out = Zu viele falsche Versuche: Sie wurden abgemeldet. Melden Sie sich erneut an, um fortzufahren.
account-error-totp-already-on = Es ist bereits eine Authenticator-App eingerichtet.
account-error-two-step-off = Die Bestätigung in zwei Schritten ist nicht eingerichtet.
account-error-gone = Das gibt es nicht mehr. Laden Sie die Seite neu.
account-error-disabled = Dieses Konto ist deaktiviert.
account-error-internal = Bei uns ist etwas schiefgelaufen. Versuchen Sie es erneut.
account-error-enter-current-password = Geben Sie Ihr aktuelles Passwort ein.
account-error-passwords-differ = Die beiden neuen Passwörter stimmen nicht überein.
account-error-same-address = Das ist bereits Ihre Adresse.
account-error-app-no-access = Diese App hat keinen Zugriff auf Ihr Konto.
account-error-passkey-name = Ein Name hat höchstens 64 druckbare Zeichen.
account-error-passkey-gone = Diesen Passkey gibt es nicht mehr.
account-error-session-gone = Diese Sitzung ist bereits beendet.
account-error-totp-clock = Dieser Code stimmt nicht. Prüfen Sie, ob die Uhr Ihres Geräts richtig geht, und versuchen Sie es erneut.
account-error-totp-not-started = Die Einrichtung wurde nicht begonnen oder ist beendet. Beginnen Sie sie erneut.

## Pages with a single message.

account-enrol-first-title = Richten Sie zuerst die Bestätigung in zwei Schritten ein
account-enrol-first = Ihr Konto erfordert die Bestätigung in zwei Schritten, bevor Sie etwas anderes ändern können.
account-back = Zurück zu Ihrem Konto
account-internal-title = Etwas ist schiefgelaufen
account-internal = Bei uns ist etwas schiefgelaufen. Versuchen Sie es gleich noch einmal.
account-form-expired-title = Formular abgelaufen
account-form-expired = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.

## Setting up an authenticator app

account-totp-title = Authenticator-App einrichten
account-totp-step-scan = Öffnen Sie eine Authenticator-App auf Ihrem Smartphone und scannen Sie diesen QR-Code.
account-totp-step-code = Geben Sie den 6-stelligen Code ein, den die App anzeigt.
account-totp-qr-alt = QR-Code für Ihre Authenticator-App
account-totp-cant-scan = Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in der App ein:
account-totp-code = Code aus der App
account-totp-turn-on = Aktivieren
account-totp-cancel = Abbrechen

## Backup codes, shown once

account-codes-on-title = Die Bestätigung in zwei Schritten ist aktiviert
account-codes-new-title = Neue Backup-Codes
account-codes-intro = Das sind Ihre Backup-Codes. Mit jedem können Sie sich einmal anmelden, wenn Sie Ihre Authenticator-App oder Ihren Passkey nicht verwenden können.
account-codes-store = Bewahren Sie sie jetzt an einem sicheren Ort auf, etwa in einem Passwort-Manager: Sie werden sie nicht noch einmal sehen.
account-codes-still-work = Ihre bisherigen Backup-Codes gelten weiterhin.
account-codes-done = Fertig
account-codes-copy = Codes kopieren
account-codes-download = Herunterladen
account-codes-file-heading = { $product }-Backup-Codes
account-codes-file-name = { $product }-backup-codes.txt
account-codes-copied = Kopiert.
account-codes-copy-unavailable = Kopieren ist hier nicht möglich: Markieren Sie stattdessen die Codes.
account-codes-copy-refused = Das Kopieren wurde verweigert: Markieren Sie stattdessen die Codes.
account-codes-downloaded = Heruntergeladen.

## passkey.js: adding a passkey here, and using one on /login and /mfa.

account-passkey-error = Der Passkey wurde nicht akzeptiert. Versuchen Sie es erneut.
account-passkey-error-cancelled = Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen. Versuchen Sie es erneut.
account-passkey-error-exists = Dieses Gerät enthält bereits einen Passkey für Ihr Konto.
account-passkey-error-page-expired = Diese Seite ist abgelaufen. Laden Sie sie neu und versuchen Sie es erneut.
account-passkey-error-too-slow = Die Anmeldung hat zu lange gedauert. Beginnen Sie von vorn.
account-passkey-error-network = Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
account-passkey-codes-intro = Passkey hinzugefügt. Das sind Ihre Backup-Codes. Mit jedem können Sie sich einmal anmelden, wenn Sie Ihren Passkey nicht verwenden können.
