//! `protected-api`: runs the example service.
//!
//! GATEHOUSE_ISSUER (required) is Gatehouse's `issuer`; GATEHOUSE_AUDIENCE
//! defaults to it; GATEHOUSE_JWKS_URL when Gatehouse is reached on another
//! address than its issuer URL; BIND defaults to 127.0.0.1:8081.

use gatehouse_verify::Verifier;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = std::env::var("GATEHOUSE_ISSUER").map_err(|_| "set GATEHOUSE_ISSUER to Gatehouse's issuer URL")?;
    let mut builder = Verifier::builder(issuer);
    if let Ok(audience) = std::env::var("GATEHOUSE_AUDIENCE") {
        builder = builder.audience(audience);
    }
    if let Ok(url) = std::env::var("GATEHOUSE_JWKS_URL") {
        builder = builder.jwks_url(url);
    }
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8081".into());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("protected-api listening on http://{}", listener.local_addr()?);
    axum::serve(listener, protected_api::app(builder.build()?)).await?;
    Ok(())
}
