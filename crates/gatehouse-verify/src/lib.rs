//! Verification of Gatehouse access tokens for resource servers (planned, issue 8).
