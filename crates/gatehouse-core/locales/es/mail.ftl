# The mails (see en/mail.ftl). Formal address, as the pages: "su cuenta",
# "solicite".

## Shared by every mail.

mail-greeting = Hola, { $username }:
mail-footer = Recibe este mensaje por una acción en su cuenta de { $product }. Si no la realizó, puede ignorarlo.
mail-open-link = O abra este enlace:
mail-open-link-new-password = Para elegir una contraseña nueva, abra este enlace:
mail-open-link-first-password = Para elegir su contraseña, abra este enlace:
mail-button-new-password = Elegir una contraseña nueva
mail-link-expires = El enlace solo funciona una vez y caduca en { $valid_for }.
mail-link-expired-ask-again = Si ha caducado, solicite uno nuevo en la página «¿Olvidó su contraseña?».

## Verify the address of a new account.

mail-verify-email-subject = Verifique su dirección de correo electrónico para { $product }
mail-verify-email-intro = Confirme que { $email } es su dirección de correo electrónico.
mail-verify-email-intro-text = Confirme que { $email } es su dirección de correo electrónico abriendo este enlace:
mail-verify-email-button = Verificar la dirección de correo
mail-verify-email-ignore = Si no creó una cuenta en { $product }, puede ignorar este mensaje.

## Forgot password.

mail-reset-password-subject = Restablezca su contraseña de { $product }
mail-reset-password-intro = Alguien solicitó restablecer la contraseña de su cuenta de { $product }.
mail-reset-password-asking-again = Si lo solicita de nuevo, este enlace dejará de ser válido.
mail-reset-password-ignore = Si no lo solicitó, ignore este mensaje: su contraseña seguirá siendo la misma.
mail-footer-reset-password = Recibe este mensaje por una acción en su cuenta de { $product }. Si no la realizó, puede ignorarlo; su contraseña seguirá siendo la misma.

## An account an administrator made without a password.

mail-invitation-subject = Su cuenta de { $product } está lista: elija una contraseña
mail-invitation-intro = Se le creó una cuenta en { $product } con el nombre de usuario { $username }.
mail-invitation-button = Elegir su contraseña
mail-footer-invitation = Recibe este mensaje por una acción en su cuenta de { $product }. Si no la realizó, puede ignorarlo; nadie puede iniciar sesión con contraseña hasta que se elija una.

## An administrator demands a new password.

mail-password-reset-required-subject = Elija una contraseña nueva para su cuenta de { $product }
mail-password-reset-required-intro = Un administrador de { $product } le pidió que elija una contraseña nueva. Se cerraron todas sus sesiones, se revocaron sus claves de API y ya no es posible iniciar sesión con su contraseña anterior.

## An administrator removed the second factors.

mail-second-factors-reset-subject = Se eliminaron los segundos factores de su cuenta de { $product }
mail-second-factors-reset-intro = Un administrador eliminó los segundos factores de su cuenta de { $product } (la aplicación de autenticación, los códigos de respaldo y las llaves de acceso) y cerró todas las sesiones, como se solicita cuando se pierde un dispositivo.
mail-second-factors-reset-next = Inicie sesión ahora con su contraseña y vuelva a configurar un segundo factor.
mail-second-factors-reset-not-you = Si no lo solicitó, restablezca su contraseña ahora y póngase en contacto con su administrador.

## The password was changed (reset or changed while signed in).

mail-password-changed-subject = Se cambió su contraseña de { $product }
mail-password-changed-all-sessions = La contraseña de su cuenta de { $product } se acaba de cambiar y se cerraron todas las sesiones.
mail-password-changed-other-sessions = La contraseña de su cuenta de { $product } se acaba de cambiar; se cerraron sus otras sesiones.
mail-password-changed-not-you = Si no realizó este cambio, restablezca su contraseña ahora y póngase en contacto con su administrador.

## A change of address: to the new address, to confirm it.

mail-confirm-new-email-subject = Confirme su nueva dirección de correo electrónico para { $product }
mail-confirm-new-email-intro = Confirme que desea usar { $email } para su cuenta de { $product }.
mail-confirm-new-email-intro-text = Confirme que desea usar { $email } para su cuenta de { $product } abriendo este enlace:
mail-confirm-new-email-button = Confirmar la nueva dirección
mail-confirm-new-email-old-address = Hasta entonces se sigue usando la dirección anterior.

## A change of address: to the old address, as a warning.

mail-email-change-requested-subject = Se solicitó cambiar el correo electrónico de su cuenta de { $product }
mail-email-change-requested-intro = Alguien solicitó cambiar la dirección de correo electrónico de su cuenta de { $product } a { $new_email }. No cambiará nada a menos que se confirme la nueva dirección.
mail-email-change-requested-not-you = Si no lo solicitó, cambie su contraseña ahora.
