//! Users, read three ways: as SCIM resources an IdP writes ([`scim`]), as a directory's
//! synced users an admin browses ([`directory`]), and as the organization's people with
//! their product access ([`org`]).
pub mod directory;
pub mod org;
pub mod scim;
