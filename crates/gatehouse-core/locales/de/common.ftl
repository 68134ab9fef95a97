# Shared by every page and mail: the language's own name, durations,
# the layout, the language picker.

language-name = Deutsch

## Durations.

duration-seconds = { $count ->
    [one] 1 Sekunde
   *[other] { $count } Sekunden
}
duration-minutes = { $count ->
    [one] 1 Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] 1 Stunde
   *[other] { $count } Stunden
}
duration-few-seconds = ein paar Sekunden

## The layout.

language-picker-label = Sprache
language-picker-submit = Ändern

## Shared messages of the pages.

too-many-attempts-wait = Zu viele Versuche. Versuchen Sie es in { $wait } erneut.
too-many-attempts = Zu viele Versuche. Warten Sie kurz und versuchen Sie es erneut.
link-expired = Dieser Link ist abgelaufen. Fordern Sie einen neuen an.
link-invalid = Dieser Link ist ungültig: Er wurde schon benutzt, ein neuerer wurde gesendet, oder er ist unvollständig.
server-busy = Der Server ist ausgelastet. Versuchen Sie es gleich noch einmal.
form-expired = Das Formular ist abgelaufen. Bitte versuchen Sie es erneut.
form-origin-another-site = einer anderen Website
form-wrong-origin = Dieses Formular wurde von { $sent } gesendet, aber die Adresse dieses Servers ist { $issuer }. Öffnen Sie stattdessen { $issuer }/login. (Ist { $sent } die richtige Adresse, trägt der Betreiber sie als Issuer ein: --issuer oder GATEHOUSE_ISSUER.)

## Words many pages share.

divider-or = oder
field-email = E-Mail-Adresse
field-email-placeholder = ihre.email@example.com
field-username = Benutzername
field-password = Passwort
passkeys-need-javascript = Passkeys brauchen JavaScript.
