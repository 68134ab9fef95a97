# Die Verwaltungskonsole (/admin). Rollennamen, Berechtigungsnamen
# (users:read), Client-IDs, Scopes und Audit-Ereigniscodes bleiben, wie sie sind.

## Rahmen: Titelleiste, Reiter, Seitenwechsel.

admin-your-account = Ihr Konto
admin-tabs-label = Verwaltung
admin-tab-users = Benutzer
admin-tab-roles = Rollen
admin-tab-clients = OAuth-Clients
admin-tab-upstreams = Externe Anbieter
admin-tab-keys = Signaturschlüssel
admin-tab-audit = Audit-Log
admin-pager-label = Seiten
admin-pager-previous = Zurück
admin-pager-next = Weiter

## Gemeinsame Wörter.

admin-col-username = Benutzername
admin-col-email = E-Mail
admin-col-verified = Bestätigt
admin-col-roles = Rollen
admin-col-role = Rolle
admin-col-status = Status
admin-col-created = Erstellt
admin-col-updated = Geändert
admin-col-registered = Registriert
admin-col-id = ID
admin-col-name = Name
admin-col-description = Beschreibung
admin-col-permissions = Berechtigungen
admin-col-kind = Art
admin-col-device = Gerät
admin-col-ip-address = IP-Adresse
admin-col-ip = IP
admin-col-signed-in = Angemeldet
admin-col-last-active = Zuletzt aktiv
admin-col-expires = Läuft ab
admin-col-last-used = Zuletzt verwendet
admin-col-actions = Aktionen
admin-col-time = Zeit
admin-col-event = Ereignis
admin-col-outcome = Ergebnis
admin-col-actor = Ausgeführt von
admin-col-subject = Betroffen
admin-col-client-id = Client-ID
admin-col-redirect-uris = Weiterleitungs-URIs
admin-col-scopes = Scopes
admin-col-first-party = Eigene Anwendung
admin-col-button = Schaltfläche
admin-col-upstream-redirect-uri = Dort einzutragende Weiterleitungs-URI
admin-col-key-id = Schlüssel-ID
admin-col-algorithm = Algorithmus
admin-field-roles = Rollen
admin-badge-verified = bestätigt
admin-badge-not-verified = nicht bestätigt
admin-badge-active = aktiv
admin-badge-disabled = deaktiviert
admin-badge-locked = gesperrt
admin-badge-locked-until = gesperrt bis { $time }
admin-badge-reset-required = neues Passwort erforderlich
admin-badge-you = Sie
admin-badge-built-in = integriert
admin-badge-links-by-email = verknüpft per E-Mail
admin-outcome-success = Erfolg
admin-outcome-failure = Fehlschlag
admin-none = keine
admin-never = nie
admin-unknown = unbekannt
admin-yes = ja
admin-no = nein
admin-details-heading = Details
admin-edit-heading = Bearbeiten
admin-delete-heading = Löschen
admin-delete-named = { $name } löschen
admin-delete-named-ellipsis = { $name } löschen …

## Ablehnungen.

admin-not-allowed-title = Nicht erlaubt
admin-forbidden = Ihre Rollen erlauben das nicht. Bitten Sie einen Administrator um die Berechtigung.
admin-not-admin = Für diese Seiten brauchen Sie die Rolle „admin“ oder eine Rolle mit einer Verwaltungsberechtigung.
admin-enrol-first-title = Richten Sie zuerst die Bestätigung in zwei Schritten ein
admin-enrol-first = Ihr Konto braucht die Bestätigung in zwei Schritten, bevor Sie die Verwaltungsseiten verwenden können.
admin-not-found-title = Nicht gefunden
admin-gone = Das gibt es nicht mehr.
admin-no-such-user = Diesen Benutzer gibt es nicht.
admin-no-such-session = Diese Sitzung gibt es nicht.
admin-session-already-ended = Diese Sitzung ist bereits beendet.
admin-no-such-key = Diesen API-Schlüssel gibt es nicht.
admin-key-already-revoked = Dieser API-Schlüssel ist bereits widerrufen.
admin-no-such-role = Diese Rolle gibt es nicht.
admin-no-such-upstream = Diesen Anbieter gibt es nicht.
admin-internal-title = Etwas ist schiefgelaufen
admin-internal = Etwas ist schiefgelaufen. Versuchen Sie es später erneut.

## Was der Server ablehnt.

admin-error-username-taken = Dieser Benutzername ist bereits vergeben.
admin-error-email-taken = Es gibt bereits ein Konto mit dieser E-Mail-Adresse.
admin-error-unknown-role = Es gibt keine Rolle „{ $role }“ (legen Sie sie zuerst an: POST /api/admin/roles oder gatehouse role create).
admin-error-role-exists = Eine Rolle namens „{ $role }“ gibt es bereits.
admin-error-builtin-role = Die integrierten Rollen (admin, user) und die Standardrollen neuer Konten erlauben diese Änderung nicht.
admin-error-invalid = Diese Angaben sind ungültig. Prüfen Sie sie und versuchen Sie es erneut.

## /admin/users

admin-users-title = Benutzer
admin-users-deleted = Der Benutzer ist gelöscht, mit allem, was er hier hatte.
admin-users-search = Benutzer suchen
admin-users-search-hint = Teil eines Benutzernamens oder einer E-Mail-Adresse
admin-users-search-submit = Suchen
admin-users-caption-matching = Benutzer zu „{ $query }“, Seite { $page }
admin-users-caption-all = Alle Benutzer, Seite { $page }
admin-users-none-matching = Kein Benutzer passt zu „{ $query }“.
admin-users-none = Keine Benutzer auf dieser Seite.
admin-users-create-heading = Benutzer anlegen
admin-users-email-placeholder = ihre.email@example.com
admin-users-password-hint = Leer lassen, um einzuladen: Die Person erhält eine E-Mail mit einem Link, um ihr eigenes Passwort zu wählen.
admin-users-roles-hint = Rollen durch Kommas oder Leerzeichen trennen; leer für die Standardrollen.
admin-users-verified-check = Die E-Mail-Adresse gehört bekanntermaßen dieser Person (bestätigt)
admin-users-create-submit = Benutzer anlegen
admin-roles-field-too-long = Geben Sie höchstens { $max } Zeichen an Rollen an.
admin-roles-field-invalid = „{ $name }“ ist kein gültiger Rollenname: Verwenden Sie Kleinbuchstaben, Ziffern, „_“, „:“ und „-“.

## /admin/users/{id}

admin-user-title = Benutzer { $username }
admin-user-created = Der Benutzer ist angelegt.
admin-user-saved = Die Änderungen sind gespeichert.
admin-user-disabled = Das Konto ist deaktiviert und seine Sitzungen sind beendet.
admin-user-enabled = Das Konto ist aktiviert.
admin-user-unlocked = Das Konto ist entsperrt: Fehlgeschlagene Anmeldungen sind vergessen.
admin-user-mfa-reset = Die zweiten Faktoren sind entfernt und alle Sitzungen beendet; die Person wurde per E-Mail benachrichtigt.
admin-user-mfa-unconfirmed = Setzen Sie das Häkchen, um zu bestätigen, dass Sie geprüft haben, wer fragt, und setzen Sie dann erneut zurück.
admin-user-reset-required = Ein neues Passwort ist erforderlich: Alle Sitzungen und API-Schlüssel sind beendet, und die Person hat per E-Mail einen Link erhalten, um eines zu wählen.
admin-user-roles-saved = Rollen gespeichert.
admin-user-session-ended = Die Sitzung ist beendet.
admin-user-sessions-ended = Alle Sitzungen dieses Benutzers sind beendet.
admin-user-key-revoked = Der API-Schlüssel ist widerrufen.
admin-user-self-disable = Sie können Ihr eigenes Konto nicht deaktivieren.
admin-user-self-delete = Ihr eigenes Konto können Sie hier nicht löschen; tun Sie es auf Ihrer Kontoseite.
admin-user-last-admin = Dies ist der letzte aktive Administrator: Geben Sie zuerst einem anderen Konto die Rolle „admin“.
admin-user-own-admin-role = Sie können sich die Rolle „admin“ nicht selbst entziehen; bitten Sie einen anderen Administrator.
admin-user-failed-logins = Fehlgeschlagene Anmeldungen
admin-user-verified-check = Die E-Mail-Adresse ist bestätigt
admin-user-save = Änderungen speichern
admin-user-access-heading = Zugang
admin-user-disable = Konto deaktivieren
admin-user-enable = Konto aktivieren
admin-user-unlock = Entsperren (fehlgeschlagene Anmeldungen vergessen)
admin-user-disable-hint = Das Deaktivieren eines Kontos beendet seine Sitzungen; die Person kann sich erst wieder anmelden, wenn es wieder aktiviert ist.
admin-user-password-reset-link = Neues Passwort verlangen
admin-user-password-reset-about = bei Verdacht auf Missbrauch: beendet alle Sitzungen und API-Schlüssel und sendet einen Link per E-Mail.
admin-user-factors-heading = Zweite Faktoren
admin-user-factors-about = Für jemanden, der Telefon und Backup-Codes verloren hat: entfernt die Authenticator-App, die Backup-Codes und die Passkeys und beendet alle Sitzungen. Die Person meldet sich danach nur mit dem Passwort an und richtet erneut einen zweiten Faktor ein.
admin-user-factors-checked = Ich habe geprüft, dass die anfragende Person { $username } ist
admin-user-factors-reset = Zweite Faktoren zurücksetzen
admin-user-roles-hint = Rollen durch Kommas oder Leerzeichen trennen, z. B. „admin, user“. Leer lassen für keine Rollen.
admin-user-roles-save = Rollen speichern
admin-user-sessions-heading = Sitzungen
admin-user-session-end = Beenden
admin-user-no-sessions = Keine aktiven Sitzungen.
admin-user-keys-heading = API-Schlüssel
admin-user-key-revoke = Widerrufen
admin-user-key-revoke-named = { $name } widerrufen
admin-user-no-keys = Keine API-Schlüssel.
admin-user-events-heading = Letzte Ereignisse
admin-user-all-events = Alle Ereignisse dieses Benutzers
admin-user-no-events = Noch keine Ereignisse.

## Bestätigungsseiten

admin-confirm-cancel = Abbrechen
admin-confirm-password-reset-title = Neues Passwort verlangen?
admin-confirm-password-reset = { $username } muss ein neues Passwort wählen, bevor eine Anmeldung mit Passwort wieder möglich ist. Alle Sitzungen und API-Schlüssel des Kontos enden jetzt, und ein Link zum Wählen des Passworts geht per E-Mail an { $email }.
admin-confirm-password-reset-button = Neues Passwort verlangen
admin-confirm-delete-user-title = Diesen Benutzer löschen?
admin-confirm-delete-user = { $username } ({ $email }) und alles, was das Konto hier hat – Sitzungen, zweite Faktoren, API-Schlüssel, Einwilligungen –, werden gelöscht. Das lässt sich nicht rückgängig machen; das Audit-Log behält seine Ereignisse.
admin-confirm-end-sessions-title = Alle Sitzungen beenden?
admin-confirm-end-sessions = Alle Sitzungen von { $username } enden jetzt: Browser, Apps und die API. Eine neue Anmeldung ist möglich.
admin-confirm-end-sessions-button = Alle Sitzungen beenden
admin-confirm-delete-role-title = Diese Rolle löschen?
admin-confirm-delete-role = { $count ->
    [0] Die Rolle { $role } wird gelöscht. Niemand hat sie.
    [one] Die Rolle { $role } wird gelöscht und dem 1 Benutzer, der sie hat, mit ihren Berechtigungen entzogen.
   *[other] Die Rolle { $role } wird gelöscht und den { $count } Benutzern, die sie haben, mit ihren Berechtigungen entzogen.
}
admin-confirm-rotate-secret-title = Client-Secret erneuern?
admin-confirm-rotate-secret = { $client } erhält ein neues Client-Secret, das einmalig auf der nächsten Seite angezeigt wird. Das alte funktioniert sofort nicht mehr: Die Anwendung meldet niemanden an, bis sie das neue hat.
admin-confirm-rotate-secret-button = Secret erneuern
admin-confirm-delete-client-title = Diesen Client löschen?
admin-confirm-delete-client = { $client } ({ $id }) wird mit seinen Codes, Einwilligungen und Sitzungen gelöscht: Alle, die über Gatehouse dort angemeldet sind, werden dort abgemeldet. Das lässt sich nicht rückgängig machen.
admin-confirm-remove-upstream-title = Diesen Anbieter entfernen?
admin-confirm-remove-upstream = „Mit { $provider } anmelden“ verschwindet von der Anmeldeseite. Wer sich nur darüber angemeldet hat, meldet sich stattdessen mit einem Passwort (oder einem Link zum Zurücksetzen) an.
admin-confirm-remove-upstream-button = { $provider } entfernen
admin-confirm-rotate-keys-title = Signaturschlüssel erneuern?
admin-confirm-rotate-keys = Ab jetzt signieren neue Schlüssel jedes Token. Bereits ausgestellte Tokens bleiben gültig: Die Schlüssel, die sie signiert haben, bleiben veröffentlicht, bis diese Tokens ablaufen. Anwendungen, die das JWKS zwischenspeichern, laden es neu, sobald sie die neue Schlüssel-ID sehen.
admin-confirm-rotate-keys-button = Schlüssel erneuern

## /admin/roles

admin-roles-title = Rollen
admin-role-title = Rolle { $role }
admin-role-created = Die Rolle ist angelegt.
admin-role-saved = Die Rolle ist gespeichert; alle, die sie haben, haben jetzt ihre neuen Berechtigungen.
admin-role-deleted = Die Rolle ist gelöscht.
admin-roles-create-heading = Rolle anlegen
admin-roles-name-hint = Kleinbuchstaben, Ziffern, „_“, „:“ und „-“, z. B. support
admin-roles-create-submit = Rolle anlegen
admin-role-description-too-long = Beschreiben Sie die Rolle in höchstens { $max } Zeichen auf einer Zeile.
admin-role-error-name = Dieser Rollenname ist ungültig: Verwenden Sie Kleinbuchstaben, Ziffern, „_“, „:“ und „-“.
admin-role-error-permissions = Diese Berechtigungen sind ungültig: jeweils ressource:aktion in Kleinbuchstaben, z. B. posts:read; die Rolle „admin“ lässt sich nicht ändern.
admin-role-held-by = Vergeben an
admin-role-holders = { $count ->
    [one] 1 Benutzer
   *[other] { $count } Benutzer
}
admin-role-save = Rolle speichern
admin-role-save-hint = Alle, die die Rolle haben, erhalten ihre neuen Berechtigungen sofort.
admin-permissions-legend = Gatehouse-Berechtigungen
admin-permissions-other = Berechtigungen Ihrer Anwendungen
admin-permissions-other-hint = Durch Leerzeichen oder Kommas getrennt, jeweils ressource:aktion, z. B. posts:read posts:write

## Was jede Gatehouse-Berechtigung erlaubt.

admin-permission-users-read = Benutzer, ihre Sitzungen und API-Schlüssel auflisten und ansehen
admin-permission-users-write = Benutzer anlegen und ändern: deaktivieren, aktivieren, entsperren, ein neues Passwort verlangen, Sitzungen beenden, API-Schlüssel widerrufen
admin-permission-users-delete = Benutzer löschen
admin-permission-roles-read = Rollen und den Berechtigungskatalog auflisten und ansehen
admin-permission-roles-write = Rollen anlegen, ändern und löschen
admin-permission-roles-assign = Benutzern Rollen geben und entziehen
admin-permission-clients-read = OAuth-Clients auflisten und ansehen
admin-permission-clients-write = OAuth-Clients registrieren, ändern und löschen, ihre Secrets erneuern
admin-permission-keys-read = Die Signaturschlüssel auflisten
admin-permission-keys-rotate = Die Signaturschlüssel erneuern
admin-permission-audit-read = Das Audit-Log lesen

## /admin/clients

admin-clients-title = OAuth-Clients
admin-client-title = Client { $client }
admin-client-deleted = Der Client ist gelöscht, mit seinen Codes, Einwilligungen und Sitzungen.
admin-client-missing = Diesen Client gibt es nicht (mehr).
admin-client-saved = Der Client ist gespeichert.
admin-client-kind-confidential = vertraulich
admin-client-kind-public = öffentlich
admin-clients-created = Der Client „{ $client }“ ist registriert. Seine Client-ID lautet
admin-clients-copy-secret = Kopieren Sie das Secret jetzt; es wird nicht noch einmal angezeigt.
admin-clients-created-public = Ein öffentlicher Client hat kein Secret; er muss PKCE verwenden.
admin-clients-registered-heading = Registrierte Clients
admin-clients-none = Es sind keine Clients registriert.
admin-clients-register-heading = Client registrieren
admin-clients-kind-hint = Vertraulich: eine serverseitige Anwendung, die ein Secret verwahrt. Öffentlich: eine Single-Page- oder native App (kein Secret, PKCE).
admin-clients-register-submit = Client registrieren
admin-client-new-secret = Das neue Secret von „{ $client }“.
admin-client-copy-secret = Kopieren Sie es jetzt; es wird nicht noch einmal angezeigt.
admin-client-old-secret-gone = Das alte funktioniert nicht mehr.
admin-client-public-note = (kein Secret; PKCE)
admin-client-first-party-yes = ja (keine Einwilligungsseite)
admin-client-save = Client speichern
admin-client-danger-heading = Secret und Löschen
admin-client-rotate-link = Secret erneuern …
admin-client-name-hint = Wird Personen auf der Einwilligungsseite angezeigt.
admin-client-redirect-uris-hint = Eine pro Zeile; https, oder http nur auf localhost.
admin-client-scopes-hint = Durch Leerzeichen getrennt; leer für „openid profile email“.
admin-client-first-party-check = Eigene Anwendung (keine Einwilligungsseite)
admin-client-error-kind = Wählen Sie „vertraulich“ oder „öffentlich“.
admin-client-error-name = Geben Sie dem Client einen Namen mit 1 bis 100 Zeichen.
admin-client-error-no-redirect-uri = Fügen Sie mindestens eine Weiterleitungs-URI hinzu.
admin-client-error-too-many-redirect-uris = Geben Sie höchstens { $max } Weiterleitungs-URIs an.
admin-client-error-redirect-uri = Jede Weiterleitungs-URI muss eine absolute Adresse ohne Leerzeichen und #Fragment sein: https (http nur auf localhost) oder das eigene Schema einer nativen App.
admin-client-error-scopes = Ein Scope ist ungültig: Verwenden Sie Namen wie openid, email oder posts:read, durch Leerzeichen getrennt.
admin-client-error-request = Diese Angaben passen nicht zusammen. Prüfen Sie Art, Weiterleitungs-URIs und Scopes.
admin-client-error-unchecked = Dieser Wert kann gerade nicht geprüft werden. Versuchen Sie es später erneut.

## /admin/upstreams

admin-upstreams-title = Externe Anbieter
admin-upstreams-added = Der Anbieter ist hinzugefügt: Seine Schaltfläche ist jetzt auf der Anmeldeseite.
admin-upstreams-removed = Der Anbieter ist entfernt: Seine Schaltfläche ist von der Anmeldeseite verschwunden.
admin-upstreams-preset-oidc = Ein anderer OpenID-Connect-Anbieter (seine Issuer-URL)
admin-upstreams-sign-in-with = Mit { $provider } anmelden
admin-upstreams-remove-link = Entfernen …
admin-upstreams-none = Keine externen Anbieter: Man meldet sich mit einem Passwort oder einem Passkey an.
admin-upstreams-add-heading = Anbieter hinzufügen
admin-upstreams-field-provider = Anbieter
admin-upstreams-id-hint = In den URLs des Anbieters: a-z, 0-9 und „-“, z. B. google
admin-upstreams-field-name = Name auf der Schaltfläche
admin-upstreams-name-hint = „Mit … anmelden“; leer für den eigenen Namen des Anbieters.
admin-upstreams-field-issuer = Issuer-URL
admin-upstreams-issuer-hint = Nur für einen anderen OpenID-Connect-Anbieter, z. B. https://login.example.com
admin-upstreams-field-secret = Client-Secret
admin-upstreams-secret-hint = Mit dem Hauptschlüssel versiegelt; wird nie wieder angezeigt.
admin-upstreams-link-by-email = Mit einem bestehenden Konto mit derselben bestätigten E-Mail-Adresse verknüpfen (vertraut dem Anbieter diese Konten an)
admin-upstreams-register-at = Tragen Sie beim Anbieter
admin-upstreams-register-as = als Weiterleitungs-URI ein, mit der ID von oben.
admin-upstreams-add-submit = Anbieter hinzufügen
admin-upstreams-error = Der Anbieter kann so nicht hinzugefügt werden: Prüfen Sie ID, Issuer-URL und Client-ID (jede ID nur einmal).

## /admin/keys

admin-keys-title = Signaturschlüssel
admin-keys-rotated = Ab jetzt signieren neue Schlüssel; die bisherigen prüfen weiterhin die Tokens, die sie signiert haben.
admin-keys-lead = Die Schlüssel, die Access- und ID-Tokens signieren, die neuesten zuerst. Anwendungen finden die öffentlichen unter
admin-keys-status-next = nächster
admin-keys-status-current = aktuell
admin-keys-status-previous = vorheriger
admin-keys-status-retired = ausgemustert
admin-keys-signs = { $status }: signiert
admin-keys-rotate-link = Schlüssel erneuern …

## /admin/audit

admin-audit-title = Audit-Log
admin-audit-filters-label = Audit-Log filtern
admin-audit-field-user = Benutzer
admin-audit-user-hint = Benutzername, E-Mail oder ID
admin-audit-all-events = Alle Ereignisse
admin-audit-any-outcome = Alle
admin-audit-field-from = Von (UTC)
admin-audit-field-to = Bis (UTC)
admin-audit-filter-submit = Filtern
admin-audit-caption = Neueste zuerst, Seite { $page }
admin-audit-none = Keine Ereignisse passen zu diesen Filtern.
admin-audit-error-user = Kein Benutzer hat diesen Benutzernamen, diese E-Mail oder diese ID.
admin-audit-error-kind = Wählen Sie ein Ereignis aus der Liste.
admin-audit-error-outcome = Wählen Sie Erfolg oder Fehlschlag.
admin-audit-error-time = Geben Sie Datum und Uhrzeit ein, z. B. 2026-01-31T12:00.
admin-audit-error-range = Das Ende des Zeitraums muss nach seinem Anfang liegen.

## A client's home page and logo (login and consent pages)

admin-col-client-uri = Startseite
admin-col-logo-uri = Logo
admin-client-client-uri-hint = Auf der Einwilligungsseite verlinkt; https, oder http nur auf localhost.
admin-client-logo-uri-hint = Ein Bild auf der Anmelde- und der Einwilligungsseite; https, oder http nur auf localhost.
admin-client-error-page-uri = Geben Sie eine absolute https-Adresse ohne Zugangsdaten und #Fragment an (http nur auf localhost).

admin-users-locale = Sprache der E-Mails
admin-users-locale-hint = Die Einladung und alle späteren E-Mails an dieses Konto sind in dieser Sprache.
