# Shared by every page and mail: the language's own name, durations,
# the layout, the language picker.

language-name = English

## Durations. `span`: how long something stays valid, exact; `wait`: how
## long to wait, rounded up.

duration-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
duration-few-seconds = a few seconds

## The layout.

language-picker-label = Language
language-picker-submit = Change

## Shared messages of the pages.

# $wait: how long, e.g. "5 minutes"
too-many-attempts-wait = Too many attempts. Try again in { $wait }.
too-many-attempts = Too many attempts. Wait a little and try again.
link-expired = This link has expired. Ask for a new one.
link-invalid = This link is not valid: it was already used, a newer one was sent, or it is incomplete.
server-busy = The server is busy. Try again in a moment.
form-expired = The form expired. Please try again.
form-origin-another-site = another site
# $sent: the address the form came from; $issuer: this server's address
form-wrong-origin = This form was sent from { $sent }, but this server's address is { $issuer }. Open { $issuer }/login instead. (If { $sent } is the right address, the operator sets it as the issuer: --issuer or GATEHOUSE_ISSUER.)

## Words many pages share.

divider-or = or
field-email = Email Address
field-email-placeholder = your.email@example.com
field-username = Username
field-password = Password
passkeys-need-javascript = Passkeys need JavaScript.
