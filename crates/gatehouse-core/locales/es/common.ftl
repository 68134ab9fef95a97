# Shared by every page and mail: the language's own name, durations,
# the layout, the language picker.

language-name = Español

## Durations.

duration-seconds = { $count ->
    [one] 1 segundo
   *[other] { $count } segundos
}
duration-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minutos
}
duration-hours = { $count ->
    [one] 1 hora
   *[other] { $count } horas
}
duration-few-seconds = unos segundos

## The layout.

language-picker-label = Idioma
language-picker-submit = Cambiar

## Shared messages of the pages.

too-many-attempts-wait = Demasiados intentos. Vuelva a intentarlo en { $wait }.
too-many-attempts = Demasiados intentos. Espere un poco y vuelva a intentarlo.
link-expired = Este enlace ha caducado. Solicite uno nuevo.
link-invalid = Este enlace no es válido: ya se usó, se envió uno más reciente o está incompleto.
server-busy = El servidor está ocupado. Vuelva a intentarlo en un momento.
form-expired = El formulario ha caducado. Vuelva a intentarlo.
form-origin-another-site = otro sitio
form-wrong-origin = Este formulario se envió desde { $sent }, pero la dirección de este servidor es { $issuer }. Abra { $issuer }/login en su lugar. (Si { $sent } es la dirección correcta, el operador debe configurarla como emisor: --issuer o GATEHOUSE_ISSUER.)

## Words many pages share.

divider-or = o
field-email = Correo electrónico
field-email-placeholder = su.correo@example.com
field-username = Nombre de usuario
field-password = Contraseña
passkeys-need-javascript = Las llaves de acceso necesitan JavaScript.
