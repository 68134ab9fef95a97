# The account pages: /account (profile, email address, password, two-step
# verification, passkeys, sessions, connected apps), the authenticator app's
# setup, the backup codes, and the messages of passkey.js and
# backup_codes.js. The session rows, device names and the "Form expired"
# page are shared with the admin pages.

## /account: the page

account-title = Su cuenta
account-admin-link = Administración
account-log-out = Cerrar sesión
account-nothing-changed = No se ha cambiado nada:
account-enrol-only = Su cuenta necesita la verificación en dos pasos. Configure una aplicación de autenticación a continuación antes de hacer cualquier otra cosa.
account-enrol-only-or-passkey = Su cuenta necesita la verificación en dos pasos. Configure una aplicación de autenticación o añada una llave de acceso a continuación antes de hacer cualquier otra cosa.
account-current-password = Contraseña actual
account-actions = Acciones
account-unknown = desconocido

## Notices after an action.

account-done-verification-sent = Le hemos enviado el enlace de nuevo. Revise su bandeja de entrada.
account-done-email = Le hemos enviado un enlace a la nueva dirección. Sígalo para completar el cambio.
account-done-password = Su contraseña se ha cambiado. Se han cerrado todas las demás sesiones.
account-done-totp-on = La verificación en dos pasos está activada.
account-done-totp-off = La aplicación de autenticación está desactivada.
account-done-passkey-added = Llave de acceso añadida.
account-done-passkey-renamed = Llave de acceso renombrada.
account-done-passkey-removed = Llave de acceso eliminada.
account-done-session-ended = Esa sesión se ha cerrado.
account-done-app-removed = La aplicación ya no puede usar su cuenta.

## Profile

account-profile = Perfil
account-email = Correo electrónico
account-email-verified = verificado
account-email-not-verified = sin verificar
account-member-since = Miembro desde
account-verify-hint = Siga el enlace que enviamos a { $email } para verificarlo.
account-verify-resend = Enviar el enlace de nuevo

## Email address

account-email-heading = Dirección de correo electrónico
account-email-hint = Enviamos un enlace a la nueva dirección; su dirección cambia cuando lo sigue.
account-email-new = Nueva dirección de correo electrónico
account-email-submit = Cambiar la dirección de correo

## Password

account-password-heading = Contraseña
account-password-new = Nueva contraseña
account-password-new-hint = { $min ->
    [one] Al menos 1 carácter.
   *[other] Al menos { $min } caracteres.
} Unas cuantas palabras sin relación entre sí forman una contraseña segura.
account-password-confirm = Confirme la nueva contraseña
account-revoke-api-keys = { $count ->
    [one] Revocar también mi clave de API
   *[other] Revocar también mis { $count } claves de API
}
account-password-submit = Cambiar la contraseña
account-password-note = Seguirá con la sesión iniciada aquí; se cerrarán todas las demás sesiones.
account-password-note-api-keys = Seguirá con la sesión iniciada aquí; se cerrarán todas las demás sesiones, y las claves de API que creó dejarán de funcionar salvo que desmarque la casilla.

## Two-step verification

account-two-step-heading = Verificación en dos pasos
account-totp = Aplicación de autenticación
account-totp-on = activada
account-totp-off = desactivada
account-backup-codes-left = Códigos de respaldo restantes
account-totp-off-confirm-hint = Confirme que es usted para desactivar la aplicación.
account-totp-turn-off = Desactivar la aplicación de autenticación
account-totp-intro = Inicie sesión con un código de una aplicación de su teléfono, además de su contraseña.
account-totp-set-up = Configurar una aplicación de autenticación
account-codes-hint = Los códigos de respaldo le permiten iniciar sesión si pierde su teléfono o su llave de seguridad. Los códigos nuevos sustituyen a los anteriores.
account-codes-confirm-hint = Confirme que es usted para obtener códigos nuevos.
account-codes-new = Nuevos códigos de respaldo

## Passkeys

account-passkeys-heading = Llaves de acceso
account-passkey-name = Nombre
account-passkey-added = Añadida
account-passkey-last-used = Último uso
account-passkey-never = nunca
account-passkey-rename = Renombrar
account-passkey-new-name = Nuevo nombre
account-passkey-save = Guardar
account-passkey-remove = Eliminar
account-passkeys-none = Aún no tiene llaves de acceso. Una llave de acceso le permite iniciar sesión con su huella, su rostro o el bloqueo de pantalla, o con una llave de seguridad.
account-passkey-name-placeholder = p. ej., Portátil
account-passkey-add = Añadir una llave de acceso
account-passkey-needs-javascript = Para añadir una llave de acceso se necesita JavaScript.

## Sessions

account-sessions-heading = Dónde tiene la sesión iniciada
account-session-kind = Tipo
account-session-device = Dispositivo
account-session-ip = Dirección IP
account-session-signed-in = Inicio de sesión
account-session-last-active = Última actividad
account-session-this-browser = este navegador
account-log-out-everywhere = Cerrar sesión en todas partes
account-log-out-everywhere-note = Cierra todas las sesiones, incluida esta.
account-log-out-everywhere-note-api-keys = Cierra todas las sesiones, incluida esta, y, salvo que desmarque la casilla, revoca sus claves de API.

## Connected apps

account-apps-heading = Aplicaciones conectadas
account-app = Aplicación
account-app-access = Acceso
account-app-allowed = Permitida
account-app-remove = Quitar el acceso
account-app-remove-hint = Al quitar el acceso también se cierra la sesión de la aplicación.
account-apps-none = Ninguna aplicación puede usar su cuenta.

## A session's kind, in the account's and an administrator's list.

account-session-kind-browser = Navegador
account-session-kind-api = API
account-session-kind-app = Aplicación: { $app }

## A device, from its browser's user agent.

account-device = { $browser } en { $system }
account-device-unknown-browser = Un navegador en { $system }

## Errors of the forms.

account-error-wrong-password = Esa contraseña no es correcta.
account-error-confirm-password = Confirme que es usted: introduzca su contraseña actual.
account-error-invalid-email = Introduzca una dirección de correo electrónico válida.
account-error-email-taken = Ya existe una cuenta con esa dirección.
account-error-wrong-code = Ese código no es correcto. Vuelva a intentarlo.
account-error-logged-out = Demasiados intentos fallidos: se ha cerrado su sesión. Vuelva a iniciar sesión para continuar.
account-error-totp-already-on = Ya hay una aplicación de autenticación configurada.
account-error-two-step-off = La verificación en dos pasos no está configurada.
account-error-gone = Eso ya no existe. Vuelva a cargar la página.
account-error-disabled = Esta cuenta está desactivada.
account-error-internal = Algo ha fallado por nuestra parte. Vuelva a intentarlo.
account-error-enter-current-password = Introduzca su contraseña actual.
account-error-passwords-differ = Las dos contraseñas nuevas no coinciden.
account-error-same-address = Esa ya es su dirección.
account-error-app-no-access = Esa aplicación no tiene acceso a su cuenta.
account-error-passkey-name = Un nombre tiene como máximo 64 caracteres imprimibles.
account-error-passkey-gone = Esa llave de acceso ya no existe.
account-error-session-gone = Esa sesión ya ha terminado.
account-error-totp-clock = Ese código no es correcto. Compruebe que el reloj de su dispositivo esté en hora y vuelva a intentarlo.
account-error-totp-not-started = La configuración no se inició o ya terminó. Vuelva a empezarla.

## Pages with a single message.

account-enrol-first-title = Configure primero la verificación en dos pasos
account-enrol-first = Su cuenta necesita la verificación en dos pasos antes de que pueda cambiar cualquier otra cosa.
account-back = Volver a su cuenta
account-internal-title = Algo ha fallado
account-internal = Algo ha fallado por nuestra parte. Vuelva a intentarlo en un momento.
account-form-expired-title = Formulario caducado
account-form-expired = Este formulario ha caducado o no procede de este sitio. Vuelva atrás, recargue la página y vuelva a intentarlo.

## Setting up an authenticator app

account-totp-title = Configurar una aplicación de autenticación
account-totp-step-scan = Abra una aplicación de autenticación en su teléfono y escanee este código QR.
account-totp-step-code = Introduzca el código de 6 dígitos que muestra la aplicación.
account-totp-qr-alt = Código QR para su aplicación de autenticación
account-totp-cant-scan = ¿No puede escanearlo? Introduzca esta clave en la aplicación:
account-totp-code = Código de la aplicación
account-totp-turn-on = Activar
account-totp-cancel = Cancelar

## Backup codes, shown once

account-codes-on-title = La verificación en dos pasos está activada
account-codes-new-title = Nuevos códigos de respaldo
account-codes-intro = Estos son sus códigos de respaldo. Cada uno le permite iniciar sesión una vez si no puede usar su aplicación de autenticación o su llave de acceso.
account-codes-store = Guárdelos ahora en un lugar seguro, como un gestor de contraseñas: no volverá a verlos.
account-codes-still-work = Sus códigos de respaldo actuales siguen funcionando.
account-codes-done = Listo
account-codes-copy = Copiar los códigos
account-codes-download = Descargar
account-codes-file-heading = Códigos de respaldo de { $product }
account-codes-file-name = { $product }-codigos-de-respaldo.txt
account-codes-copied = Copiados.
account-codes-copy-unavailable = No se puede copiar aquí: seleccione los códigos.
account-codes-copy-refused = Se ha denegado la copia: seleccione los códigos.
account-codes-downloaded = Descargados.

## passkey.js: adding a passkey here, and using one on /login and /mfa.

account-passkey-error = No se aceptó la llave de acceso. Vuelva a intentarlo.
account-passkey-error-cancelled = La solicitud de la llave de acceso se canceló o caducó. Vuelva a intentarlo.
account-passkey-error-exists = Este dispositivo ya contiene una llave de acceso para su cuenta.
account-passkey-error-page-expired = Esta página ha caducado. Recárguela y vuelva a intentarlo.
account-passkey-error-too-slow = El inicio de sesión tardó demasiado. Vuelva a empezar.
account-passkey-error-network = No se puede conectar con el servidor. Compruebe su conexión y vuelva a intentarlo.
account-passkey-codes-intro = Llave de acceso añadida. Estos son sus códigos de respaldo. Cada uno le permite iniciar sesión una vez si no puede usar su llave de acceso.
