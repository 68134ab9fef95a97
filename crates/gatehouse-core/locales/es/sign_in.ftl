# The sign-in pages: log in, second step, sign up, forgotten password,
# new password, email confirmation, consent, log out.

## /login

login-title = Iniciar sesión
login-for-app = Inicie sesión para continuar en { $app }.
login-for-app-at = Inicie sesión para continuar en { $app } ({ $host }).
login-field-login = Correo electrónico o nombre de usuario
login-remember-me = Recordarme
login-forgot-password = ¿Olvidó su contraseña?
login-submit = Iniciar sesión
login-with-passkey = Iniciar sesión con una llave de acceso
login-with-upstream = Iniciar sesión con { $provider }
login-no-account = ¿No tiene una cuenta?
login-sign-up = Regístrese
login-logged-out = Ha cerrado la sesión.
login-account-disabled = Esta cuenta está desactivada.
login-email-not-verified = Confirme primero su dirección de correo: siga el enlace que le enviamos.
login-too-slow = El inicio de sesión tardó demasiado. Vuelva a empezar.
login-wrong-credentials = Nombre de usuario o contraseña incorrectos.

## /mfa: the second step

mfa-title = Verificación en dos pasos
mfa-lead-app = Introduzca el código de 6 dígitos de su aplicación de autenticación.
mfa-lead-app-or-backup = Introduzca el código de 6 dígitos de su aplicación de autenticación o uno de sus códigos de respaldo.
mfa-lead-passkey = Use su llave de acceso o llave de seguridad para terminar de iniciar sesión.
mfa-lead-backup = Introduzca uno de sus códigos de respaldo.
mfa-lost-passkey = ¿Perdió su llave de acceso? Introduzca uno de sus códigos de respaldo.
mfa-field-code = Código
mfa-field-backup-code = Código de respaldo
mfa-submit = Verificar
mfa-use-passkey = Usar una llave de acceso
mfa-passkey-needs-javascript = Las llaves de acceso necesitan JavaScript. Actívelo para terminar de iniciar sesión.
mfa-start-again = Volver a empezar
mfa-wrong-code = Ese código no es correcto. Vuelva a intentarlo.

## Shared by the sign-in pages

sign-in-internal-error = Algo salió mal por nuestra parte. Vuelva a intentarlo.
sign-in-log-in = Iniciar sesión

## Password fields (sign-up, new password, and every other page with one):
## the show/hide button, the strength meter, the confirmation.

password-show = Mostrar contraseña
password-hide = Ocultar contraseña
password-new-hint = Al menos { $min } caracteres. Unas cuantas palabras sin relación entre sí forman una buena contraseña.
password-meter-weak = Débil: { $reason }
password-meter-weak-fallback = pruebe con una contraseña más larga
password-meter-medium = Media: suficiente. Una palabra más sin relación la hace segura.
password-meter-strong = Segura
password-choose = Elija una contraseña.
password-mismatch = Las contraseñas no coinciden.
password-mismatch-typing = Las contraseñas no coinciden

## Why the password policy refuses a new password.

password-too-short = { $min ->
    [one] La contraseña debe tener al menos { $min } carácter.
   *[other] La contraseña debe tener al menos { $min } caracteres.
}
password-too-long = { $max ->
    [one] La contraseña debe tener como máximo { $max } carácter.
   *[other] La contraseña debe tener como máximo { $max } caracteres.
}
password-common = Esta contraseña figura en una lista de contraseñas comunes o filtradas.
password-too-easy = La contraseña es demasiado fácil de adivinar.
password-too-easy-hints = La contraseña es demasiado fácil de adivinar: { $hints }

## What the strength estimator noticed (zxcvbn's warnings).

password-warning-straight-rows = Las filas seguidas de teclas son fáciles de adivinar.
password-warning-short-keyboard-patterns = Los patrones cortos de teclado son fáciles de adivinar.
password-warning-repeats = Las repeticiones como «aaa» son fáciles de adivinar.
password-warning-repeated-groups = Las repeticiones como «abcabcabc» son apenas más difíciles de adivinar que «abc».
password-warning-top-10 = Es una de las 10 contraseñas más comunes.
password-warning-top-100 = Es una de las 100 contraseñas más comunes.
password-warning-common = Es una contraseña muy común.
password-warning-similar-to-common = Se parece a una contraseña muy usada.
password-warning-sequences = Las secuencias como abc o 6543 son fáciles de adivinar.
password-warning-recent-years = Los años recientes son fáciles de adivinar.
password-warning-single-word = Una palabra sola es fácil de adivinar.
password-warning-dates = Las fechas suelen ser fáciles de adivinar.
password-warning-names-alone = Los nombres y apellidos por sí solos son fáciles de adivinar.
password-warning-common-names = Los nombres y apellidos comunes son fáciles de adivinar.

## What the strength estimator suggests (zxcvbn's suggestions).

password-suggestion-few-words = Use varias palabras y evite frases hechas.
password-suggestion-no-symbols-needed = No hacen falta símbolos, números ni mayúsculas.
password-suggestion-another-word = Añada una o dos palabras más. Las palabras poco comunes son mejores.
password-suggestion-capitalization = Las mayúsculas no ayudan mucho.
password-suggestion-all-uppercase = Todo en mayúsculas es casi tan fácil de adivinar como todo en minúsculas.
password-suggestion-reversed-words = Las palabras al revés no son mucho más difíciles de adivinar.
password-suggestion-substitutions = Las sustituciones previsibles, como «@» en lugar de «a», no ayudan mucho.
password-suggestion-longer-keyboard-pattern = Use un patrón de teclado más largo y con más giros.
password-suggestion-avoid-repeats = Evite repetir palabras y caracteres.
password-suggestion-avoid-sequences = Evite las secuencias.
password-suggestion-avoid-recent-years = Evite los años recientes.
password-suggestion-avoid-your-years = Evite los años relacionados con usted.
password-suggestion-avoid-your-dates = Evite las fechas y los años relacionados con usted.

## /register

register-title = Regístrese
register-username-hint = Letras, números, «.», «_» y «-».
register-confirm-password = Confirme la contraseña
register-agree-before = Acepto
register-terms = los Términos
register-agree-and = y
register-privacy-policy = la Política de privacidad
register-submit = Registrarse
register-have-account = ¿Ya tiene una cuenta?
register-agree-required = Acepte los términos para crear una cuenta.
register-email-taken = Ya existe una cuenta con esta dirección de correo. Inicie sesión o restablezca su contraseña.
register-username-taken = Este nombre de usuario ya está en uso. Elija otro.
register-email-empty = La dirección de correo está vacía.
register-email-too-long = La dirección de correo tiene más de 254 caracteres.
register-email-no-at = La dirección de correo debe contener «@».
register-email-local-length = La dirección de correo necesita de 1 a 64 caracteres antes de «@».
register-email-local-characters = La dirección de correo tiene caracteres no permitidos antes de «@».
register-email-domain = La dirección de correo tiene un dominio no válido después de «@».
register-username-length = Un nombre de usuario debe tener de { $min } a { $max } caracteres.
register-username-characters = Un nombre de usuario solo puede contener letras, números, «.», «_» y «-».
register-username-start = Un nombre de usuario debe empezar por una letra o un número.
register-email-too-long-to-check = La dirección de correo electrónico debe tener como máximo { $max } caracteres.
register-username-too-long-to-check = El nombre de usuario debe tener como máximo { $max } caracteres.
register-check-email-title = Revise su correo
register-check-email = Le enviamos un enlace a { $email }.
register-check-email-detail = Sígalo para confirmar su dirección y, después, inicie sesión. ¿No le llegó nada? Revise su carpeta de correo no deseado.
register-created-title = Cuenta creada
register-created = Su cuenta está lista.
register-created-detail = Inicie sesión para continuar.

## /forgot-password

forgot-title = ¿Olvidó su contraseña?
forgot-lead = Introduzca la dirección de correo de su cuenta y le enviaremos un enlace para elegir una contraseña nueva.
forgot-submit = Enviar enlace de restablecimiento
forgot-back-to-login = Volver a iniciar sesión
forgot-email-invalid = Introduzca la dirección de correo de su cuenta, como nombre@example.com.
forgot-sent-title = Revise su correo
forgot-sent = Si una cuenta usa esta dirección, va de camino un enlace para elegir una contraseña nueva.
forgot-sent-detail = Siga el enlace del correo antes de { $valid_for }. Funciona una sola vez; si lo pide de nuevo, los enlaces anteriores dejan de servir. ¿No le llegó nada? Revise su carpeta de correo no deseado o vuelva a pedirlo dentro de unos minutos.

## /reset-password

reset-title = Elija una contraseña nueva
reset-field-new-password = Contraseña nueva
reset-confirm-password = Confirme la contraseña nueva
reset-submit = Guardar la contraseña nueva
reset-new-link = Pedir un enlace nuevo
reset-done-title = Contraseña cambiada
reset-done = Se cambió su contraseña y se cerraron todas las sesiones.
reset-done-detail = Ya puede iniciar sesión con la contraseña nueva.

## /verify-email

verify-title = Verifique su correo
verify-lead = Confirme su dirección de correo para terminar de configurar su cuenta.
verify-submit = Confirmar la dirección de correo
verify-done-title = Correo verificado
verify-done-email = Su dirección de correo está verificada.
verify-done-new-email = Su nueva dirección de correo está confirmada y ya está en uso.
verify-continue = Continuar
verify-to-account = Ir a su cuenta

## /consent: an application asks for access

consent-title = ¿Permitir el acceso?
consent-app-wants = quiere acceder a su cuenta
consent-allow = Permitir
consent-deny = Denegar
consent-withdraw = Puede retirar este permiso en cualquier momento desde las aplicaciones conectadas de su cuenta.
consent-scope-openid = Saber quién es usted (el identificador de su cuenta)
consent-scope-profile = Ver su nombre de usuario
consent-scope-email = Ver su dirección de correo
consent-scope-roles = Ver sus roles
consent-scope-permissions = Ver lo que sus roles le permiten hacer
consent-scope-offline-access = Seguir conectada mientras usted no está
consent-scope-other = Usar «{ $scope }»
consent-refused-title = Solicitud de inicio de sesión rechazada
consent-request-malformed = La solicitud de autorización está mal formada.
consent-form-malformed = El formulario de consentimiento está mal formado.
consent-form-expired = El formulario caducó o no procede de este sitio. Vuelva a empezar desde la aplicación.
consent-no-client = La solicitud no indica ningún cliente (client_id).
consent-unknown-client = La aplicación no está registrada aquí.
consent-unregistered-redirect = La aplicación envió una URI de redirección que no ha registrado.
consent-no-redirect = La solicitud no tiene redirect_uri.
consent-unavailable = El inicio de sesión no está disponible en este momento; vuelva a intentarlo más tarde.

## /oauth2/logout

logout-app-asks = le pide cerrar su sesión en { $product }.
logout-question = ¿Cerrar la sesión en { $product }?
logout-title = ¿Cerrar sesión?
logout-submit = Cerrar sesión
logout-done-title = Sesión cerrada
logout-done = Ha cerrado la sesión.
logout-refused-title = Solicitud de cierre de sesión rechazada
logout-refused = La solicitud de cierre de sesión de la aplicación no es válida.
logout-failed = No se pudo cerrar la sesión; vuelva a intentarlo más tarde.

## /login/upstream: signing in with another provider

upstream-failed-title = Error al iniciar sesión
upstream-unknown = No existe ese proveedor de inicio de sesión.
upstream-unreachable = No se puede contactar con { $provider } en este momento. Vuelva a intentarlo más tarde.
upstream-unavailable = El inicio de sesión no está disponible en este momento.
upstream-unavailable-later = El inicio de sesión no está disponible en este momento. Vuelva a intentarlo más tarde.
upstream-expired = El inicio de sesión tardó demasiado o no se inició aquí. Vuelva a empezar.
upstream-other-browser = La respuesta del inicio de sesión no corresponde a este navegador. Vuelva a empezar.
upstream-wrong-issuer = La respuesta del inicio de sesión vino del proveedor equivocado.
upstream-cancelled = El inicio de sesión en { $provider } se canceló o fue rechazado.
upstream-no-code = La respuesta del inicio de sesión no tiene código.
upstream-not-confirmed = { $provider } no confirmó quién es usted. Vuelva a empezar.
upstream-email-taken = Ya existe una cuenta con su dirección de correo. Inicie sesión con su contraseña; la vinculación de cuentas por correo no está activada para este proveedor.
upstream-email-unverified = Su dirección de correo no está verificada en ese proveedor. Verifíquela allí y vuelva a iniciar sesión, o regístrese aquí con una contraseña.
upstream-did-not-work = El inicio de sesión no funcionó. Vuelva a empezar.
