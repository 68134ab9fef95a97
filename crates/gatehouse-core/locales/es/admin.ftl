# La consola de administración (/admin). Los nombres de roles y permisos
# (users:read), los ID de cliente, los scopes y los códigos de eventos de
# auditoría se quedan como están.

## Marco: barra de título, pestañas, paginación.

admin-your-account = Su cuenta
admin-tabs-label = Administración
admin-tab-users = Usuarios
admin-tab-roles = Roles
admin-tab-clients = Clientes OAuth
admin-tab-upstreams = Proveedores externos
admin-tab-keys = Claves de firma
admin-tab-audit = Registro de auditoría
admin-pager-label = Páginas
admin-pager-previous = Anterior
admin-pager-next = Siguiente

## Palabras comunes.

admin-col-username = Nombre de usuario
admin-col-email = Correo electrónico
admin-col-verified = Verificado
admin-col-roles = Roles
admin-col-role = Rol
admin-col-status = Estado
admin-col-created = Creado
admin-col-updated = Actualizado
admin-col-registered = Registrado
admin-col-id = ID
admin-col-name = Nombre
admin-col-description = Descripción
admin-col-permissions = Permisos
admin-col-kind = Tipo
admin-col-device = Dispositivo
admin-col-ip-address = Dirección IP
admin-col-ip = IP
admin-col-signed-in = Inicio de sesión
admin-col-last-active = Última actividad
admin-col-expires = Caduca
admin-col-last-used = Último uso
admin-col-actions = Acciones
admin-col-time = Hora
admin-col-event = Evento
admin-col-outcome = Resultado
admin-col-actor = Autor
admin-col-subject = Afectado
admin-col-client-id = ID de cliente
admin-col-redirect-uris = URI de redirección
admin-col-scopes = Scopes
admin-col-first-party = Aplicación propia
admin-col-button = Botón
admin-col-upstream-redirect-uri = URI de redirección que debe registrar allí
admin-col-key-id = ID de clave
admin-col-algorithm = Algoritmo
admin-field-roles = Roles
admin-badge-verified = verificado
admin-badge-not-verified = no verificado
admin-badge-active = activa
admin-badge-disabled = desactivada
admin-badge-locked = bloqueada
admin-badge-locked-until = bloqueada hasta { $time }
admin-badge-reset-required = requiere contraseña nueva
admin-badge-you = usted
admin-badge-built-in = integrado
admin-badge-links-by-email = vincula por correo
admin-outcome-success = éxito
admin-outcome-failure = fallo
admin-none = ninguno
admin-never = nunca
admin-unknown = desconocido
admin-yes = sí
admin-no = no
admin-details-heading = Detalles
admin-edit-heading = Editar
admin-delete-heading = Eliminar
admin-delete-named = Eliminar { $name }
admin-delete-named-ellipsis = Eliminar { $name }…

## Rechazos.

admin-not-allowed-title = No permitido
admin-forbidden = Sus roles no permiten esto. Pida el permiso a un administrador.
admin-not-admin = Para usar estas páginas necesita el rol admin o un rol con algún permiso de administración.
admin-enrol-first-title = Configure primero la verificación en dos pasos
admin-enrol-first = Su cuenta necesita la verificación en dos pasos antes de poder usar las páginas de administración.
admin-not-found-title = No encontrado
admin-gone = Eso ya no existe.
admin-no-such-user = Ese usuario no existe.
admin-no-such-session = Esa sesión no existe.
admin-session-already-ended = Esa sesión ya ha terminado.
admin-no-such-key = Esa clave de API no existe.
admin-key-already-revoked = Esa clave de API ya está revocada.
admin-no-such-role = Ese rol no existe.
admin-no-such-upstream = Ese proveedor no existe.
admin-internal-title = Algo ha fallado
admin-internal = Algo ha fallado. Vuelva a intentarlo más tarde.

## Lo que el servidor rechaza.

admin-error-username-taken = Ese nombre de usuario ya está en uso.
admin-error-email-taken = Ya existe una cuenta con ese correo electrónico.
admin-error-unknown-role = No existe el rol «{ $role }» (créelo primero: POST /api/admin/roles o gatehouse role create).
admin-error-role-exists = Ya existe un rol llamado «{ $role }».
admin-error-builtin-role = Los roles integrados (admin, user) y los roles predeterminados de las cuentas nuevas no permiten este cambio.
admin-error-invalid = Estos datos no son válidos. Revíselos y vuelva a intentarlo.

## /admin/users

admin-users-title = Usuarios
admin-users-deleted = El usuario se ha eliminado, con todo lo que tenía aquí.
admin-users-search = Buscar usuarios
admin-users-search-hint = Parte de un nombre de usuario o de una dirección de correo
admin-users-search-submit = Buscar
admin-users-caption-matching = Usuarios que coinciden con «{ $query }», página { $page }
admin-users-caption-all = Todos los usuarios, página { $page }
admin-users-none-matching = Ningún usuario coincide con «{ $query }».
admin-users-none = No hay usuarios en esta página.
admin-users-create-heading = Crear un usuario
admin-users-email-placeholder = su.correo@example.com
admin-users-password-hint = Déjela vacía para invitar: la persona recibe un correo con un enlace para elegir la suya.
admin-users-roles-hint = Separe los roles con comas o espacios; vacío para los roles predeterminados.
admin-users-verified-check = Se sabe que la dirección de correo es suya (verificada)
admin-users-create-submit = Crear usuario
admin-roles-field-too-long = Indique como máximo { $max } caracteres de roles.
admin-roles-field-invalid = «{ $name }» no es un nombre de rol válido: use minúsculas, dígitos, «_», «:» y «-».

## /admin/users/{id}

admin-user-title = Usuario { $username }
admin-user-created = El usuario se ha creado.
admin-user-saved = Los cambios se han guardado.
admin-user-disabled = La cuenta está desactivada y sus sesiones han terminado.
admin-user-enabled = La cuenta está activada.
admin-user-unlocked = La cuenta está desbloqueada: se han olvidado los inicios de sesión fallidos.
admin-user-mfa-reset = Se han quitado los segundos factores y han terminado todas las sesiones; se ha avisado a la persona por correo.
admin-user-mfa-unconfirmed = Marque la casilla para confirmar que comprobó quién lo pidió y vuelva a restablecer.
admin-user-reset-required = Se requiere una contraseña nueva: han terminado todas las sesiones y claves de API, y la persona ha recibido por correo un enlace para elegirla.
admin-user-roles-saved = Roles guardados.
admin-user-session-ended = La sesión ha terminado.
admin-user-sessions-ended = Han terminado todas las sesiones de este usuario.
admin-user-key-revoked = La clave de API está revocada.
admin-user-self-disable = No puede desactivar su propia cuenta.
admin-user-self-delete = No puede eliminar su propia cuenta aquí; hágalo desde la página de su cuenta.
admin-user-last-admin = Este es el último administrador activo: dé primero el rol admin a otra cuenta.
admin-user-own-admin-role = No puede quitarse su propio rol admin; pídaselo a otro administrador.
admin-user-failed-logins = Inicios de sesión fallidos
admin-user-verified-check = La dirección de correo está verificada
admin-user-save = Guardar cambios
admin-user-access-heading = Acceso
admin-user-disable = Desactivar cuenta
admin-user-enable = Activar cuenta
admin-user-unlock = Desbloquear (olvidar los inicios de sesión fallidos)
admin-user-disable-hint = Desactivar una cuenta termina sus sesiones; su titular no puede iniciar sesión hasta que se vuelva a activar.
admin-user-password-reset-link = Exigir una contraseña nueva
admin-user-password-reset-about = ante una sospecha de robo: termina todas las sesiones y claves de API y envía un enlace por correo.
admin-user-factors-heading = Segundos factores
admin-user-factors-about = Para quien perdió el teléfono y los códigos de respaldo: quita la aplicación de autenticación, los códigos de respaldo y las llaves de acceso, y termina todas las sesiones. La próxima vez inicia sesión solo con la contraseña y vuelve a configurar un segundo factor.
admin-user-factors-checked = He comprobado que quien lo pide es { $username }
admin-user-factors-reset = Restablecer los segundos factores
admin-user-roles-hint = Separe los roles con comas o espacios, p. ej. «admin, user». Déjelo vacío para ningún rol.
admin-user-roles-save = Guardar roles
admin-user-sessions-heading = Sesiones
admin-user-session-end = Terminar
admin-user-no-sessions = No hay sesiones activas.
admin-user-keys-heading = Claves de API
admin-user-key-revoke = Revocar
admin-user-key-revoke-named = Revocar { $name }
admin-user-no-keys = No hay claves de API.
admin-user-events-heading = Eventos recientes
admin-user-all-events = Todos los eventos de este usuario
admin-user-no-events = Aún no hay eventos.

## Páginas de confirmación

admin-confirm-cancel = Cancelar
admin-confirm-password-reset-title = ¿Exigir una contraseña nueva?
admin-confirm-password-reset = { $username } tendrá que elegir una contraseña nueva antes de volver a iniciar sesión con contraseña. Todas las sesiones y claves de API de la cuenta terminan ahora, y se envía a { $email } un enlace para elegir la contraseña.
admin-confirm-password-reset-button = Exigir una contraseña nueva
admin-confirm-delete-user-title = ¿Eliminar este usuario?
admin-confirm-delete-user = Se eliminan { $username } ({ $email }) y todo lo que la cuenta tiene aquí: sesiones, segundos factores, claves de API y consentimientos. No se puede deshacer; el registro de auditoría conserva sus eventos.
admin-confirm-end-sessions-title = ¿Terminar todas las sesiones?
admin-confirm-end-sessions = Todas las sesiones de { $username } terminan ahora: navegadores, aplicaciones y la API. Podrá volver a iniciar sesión.
admin-confirm-end-sessions-button = Terminar todas las sesiones
admin-confirm-delete-role-title = ¿Eliminar este rol?
admin-confirm-delete-role = { $count ->
    [0] El rol { $role } se elimina. Nadie lo tiene.
    [one] El rol { $role } se elimina y se le quita, con sus permisos, al único usuario que lo tiene.
   *[other] El rol { $role } se elimina y se les quita, con sus permisos, a los { $count } usuarios que lo tienen.
}
admin-confirm-rotate-secret-title = ¿Renovar el secreto del cliente?
admin-confirm-rotate-secret = { $client } recibe un secreto de cliente nuevo, que se muestra una sola vez en la página siguiente. El anterior deja de funcionar de inmediato: la aplicación no inicia la sesión de nadie hasta que tenga el nuevo.
admin-confirm-rotate-secret-button = Renovar el secreto
admin-confirm-delete-client-title = ¿Eliminar este cliente?
admin-confirm-delete-client = { $client } ({ $id }) se elimina con sus códigos, consentimientos y sesiones: todos los que hayan iniciado sesión en él a través de Gatehouse la pierden. No se puede deshacer.
admin-confirm-remove-upstream-title = ¿Quitar este proveedor?
admin-confirm-remove-upstream = «Iniciar sesión con { $provider }» desaparece de la página de inicio de sesión. Quienes solo iniciaban sesión así lo harán con una contraseña (o un enlace de restablecimiento).
admin-confirm-remove-upstream-button = Quitar { $provider }
admin-confirm-rotate-keys-title = ¿Renovar las claves de firma?
admin-confirm-rotate-keys = A partir de ahora, claves nuevas firman cada token. Los tokens ya emitidos siguen funcionando: las claves que los firmaron siguen publicadas hasta que caduquen. Las aplicaciones que guardan en caché el JWKS lo vuelven a obtener cuando encuentran el nuevo ID de clave.
admin-confirm-rotate-keys-button = Renovar las claves

## /admin/roles

admin-roles-title = Roles
admin-role-title = Rol { $role }
admin-role-created = El rol se ha creado.
admin-role-saved = El rol se ha guardado; quienes lo tienen ya tienen sus nuevos permisos.
admin-role-deleted = El rol se ha eliminado.
admin-roles-create-heading = Crear un rol
admin-roles-name-hint = Minúsculas, dígitos, «_», «:» y «-», p. ej. support
admin-roles-create-submit = Crear rol
admin-role-description-too-long = Describa el rol en como máximo { $max } caracteres en una sola línea.
admin-role-error-name = Ese nombre de rol no es válido: use minúsculas, dígitos, «_», «:» y «-».
admin-role-error-permissions = Esos permisos no son válidos: cada uno recurso:acción en minúsculas, p. ej. posts:read; el rol admin no se puede cambiar.
admin-role-held-by = Lo tienen
admin-role-holders = { $count ->
    [one] 1 usuario
   *[other] { $count } usuarios
}
admin-role-save = Guardar rol
admin-role-save-hint = Quienes tienen el rol reciben sus nuevos permisos de inmediato.
admin-permissions-legend = Permisos de Gatehouse
admin-permissions-other = Permisos de sus aplicaciones
admin-permissions-other-hint = Separados por espacios o comas, cada uno recurso:acción, p. ej. posts:read posts:write

## Lo que permite cada permiso de Gatehouse.

admin-permission-users-read = Listar y ver usuarios, sus sesiones y claves de API
admin-permission-users-write = Crear y actualizar usuarios: desactivar, activar, desbloquear, exigir una contraseña nueva, terminar sesiones, revocar claves de API
admin-permission-users-delete = Eliminar usuarios
admin-permission-roles-read = Listar y ver roles y el catálogo de permisos
admin-permission-roles-write = Crear, cambiar y eliminar roles
admin-permission-roles-assign = Dar roles a usuarios y quitárselos
admin-permission-clients-read = Listar y ver clientes OAuth
admin-permission-clients-write = Registrar, cambiar y eliminar clientes OAuth, renovar sus secretos
admin-permission-keys-read = Listar las claves de firma
admin-permission-keys-rotate = Renovar las claves de firma
admin-permission-audit-read = Leer el registro de auditoría

## /admin/clients

admin-clients-title = Clientes OAuth
admin-client-title = Cliente { $client }
admin-client-deleted = El cliente se ha eliminado, con sus códigos, consentimientos y sesiones.
admin-client-missing = Ese cliente no existe (o ya no existe).
admin-client-saved = El cliente se ha guardado.
admin-client-kind-confidential = confidencial
admin-client-kind-public = público
admin-clients-created = El cliente «{ $client }» está registrado. Su ID de cliente es
admin-clients-copy-secret = Copie el secreto ahora; no se volverá a mostrar.
admin-clients-created-public = Un cliente público no tiene secreto; debe usar PKCE.
admin-clients-registered-heading = Clientes registrados
admin-clients-none = No hay clientes registrados.
admin-clients-register-heading = Registrar un cliente
admin-clients-kind-hint = Confidencial: una aplicación de servidor que guarda un secreto. Público: una aplicación de una sola página o nativa (sin secreto, PKCE).
admin-clients-register-submit = Registrar cliente
admin-client-new-secret = El nuevo secreto de «{ $client }».
admin-client-copy-secret = Cópielo ahora; no se volverá a mostrar.
admin-client-old-secret-gone = El anterior ya no funciona.
admin-client-public-note = (sin secreto; PKCE)
admin-client-first-party-yes = sí (sin página de consentimiento)
admin-client-save = Guardar cliente
admin-client-danger-heading = Secreto y eliminación
admin-client-rotate-link = Renovar el secreto…
admin-client-name-hint = Se muestra a las personas en la página de consentimiento.
admin-client-redirect-uris-hint = Una por línea; https, o http solo en localhost.
admin-client-scopes-hint = Separados por espacios; vacío para «openid profile email».
admin-client-first-party-check = Aplicación propia (sin página de consentimiento)
admin-client-error-kind = Elija confidencial o público.
admin-client-error-name = Dé al cliente un nombre de 1 a 100 caracteres.
admin-client-error-no-redirect-uri = Añada al menos una URI de redirección.
admin-client-error-too-many-redirect-uris = Indique como máximo { $max } URI de redirección.
admin-client-error-redirect-uri = Cada URI de redirección debe ser una dirección absoluta sin espacios ni #fragmento: https (http solo en localhost) o el esquema propio de una aplicación nativa.
admin-client-error-scopes = Un scope no es válido: use nombres como openid, email o posts:read, separados por espacios.
admin-client-error-request = Estos datos no encajan entre sí. Revise el tipo, las URI de redirección y los scopes.
admin-client-error-unchecked = Este valor no se puede comprobar ahora. Vuelva a intentarlo más tarde.

## /admin/upstreams

admin-upstreams-title = Proveedores externos
admin-upstreams-added = El proveedor se ha añadido: su botón ya está en la página de inicio de sesión.
admin-upstreams-removed = El proveedor se ha quitado: su botón ya no está en la página de inicio de sesión.
admin-upstreams-preset-oidc = Otro proveedor OpenID Connect (su URL de emisor)
admin-upstreams-sign-in-with = Iniciar sesión con { $provider }
admin-upstreams-remove-link = Quitar…
admin-upstreams-none = No hay proveedores externos: se inicia sesión con una contraseña o una llave de acceso.
admin-upstreams-add-heading = Añadir un proveedor
admin-upstreams-field-provider = Proveedor
admin-upstreams-id-hint = En las URL del proveedor: a-z, 0-9 y «-», p. ej. google
admin-upstreams-field-name = Nombre del botón
admin-upstreams-name-hint = «Iniciar sesión con …»; vacío para el nombre propio del proveedor.
admin-upstreams-field-issuer = URL del emisor
admin-upstreams-issuer-hint = Solo para otro proveedor OpenID Connect, p. ej. https://login.example.com
admin-upstreams-field-secret = Secreto de cliente
admin-upstreams-secret-hint = Sellado con la clave maestra; no se vuelve a mostrar.
admin-upstreams-link-by-email = Vincular con una cuenta existente que tenga la misma dirección de correo verificada (confía esas cuentas al proveedor)
admin-upstreams-register-at = En el proveedor, registre
admin-upstreams-register-as = como URI de redirección, con el ID de arriba.
admin-upstreams-add-submit = Añadir proveedor
admin-upstreams-error = El proveedor no se puede añadir así: revise el ID, la URL del emisor y el ID de cliente (cada ID una sola vez).

## /admin/keys

admin-keys-title = Claves de firma
admin-keys-rotated = A partir de ahora firman claves nuevas; las anteriores siguen verificando los tokens que firmaron.
admin-keys-lead = Las claves que firman los tokens de acceso e ID, las más recientes primero. Las aplicaciones encuentran las públicas en
admin-keys-status-next = siguiente
admin-keys-status-current = actual
admin-keys-status-previous = anterior
admin-keys-status-retired = retirada
admin-keys-signs = { $status }: firma
admin-keys-rotate-link = Renovar las claves…

## /admin/audit

admin-audit-title = Registro de auditoría
admin-audit-filters-label = Filtrar el registro de auditoría
admin-audit-field-user = Usuario
admin-audit-user-hint = Nombre de usuario, correo o ID
admin-audit-all-events = Todos los eventos
admin-audit-any-outcome = Cualquiera
admin-audit-field-from = Desde (UTC)
admin-audit-field-to = Hasta (UTC)
admin-audit-filter-submit = Filtrar
admin-audit-caption = Más recientes primero, página { $page }
admin-audit-none = Ningún evento coincide con estos filtros.
admin-audit-error-user = Ningún usuario tiene ese nombre de usuario, correo o ID.
admin-audit-error-kind = Elija un evento de la lista.
admin-audit-error-outcome = Elija éxito o fallo.
admin-audit-error-time = Introduzca una fecha y una hora, p. ej. 2026-01-31T12:00.
admin-audit-error-range = El final del intervalo debe ser posterior a su inicio.

## A client's home page and logo (login and consent pages)

admin-col-client-uri = Página de inicio
admin-col-logo-uri = Logotipo
admin-client-client-uri-hint = Enlazada desde la página de consentimiento; https, o http solo en localhost.
admin-client-logo-uri-hint = Una imagen que se muestra en las páginas de inicio de sesión y de consentimiento; https, o http solo en localhost.
admin-client-error-page-uri = Indique una dirección https absoluta sin credenciales ni #fragmento (http solo en localhost).

admin-users-locale = Idioma de los correos
admin-users-locale-hint = La invitación y todos los correos posteriores a esta cuenta estarán en este idioma.
